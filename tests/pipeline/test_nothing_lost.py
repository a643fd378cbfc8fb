"""Nothing lost (issue 4, "What it must show"): 2,500 notifications for three provinces go through the real
pipeline (REST API, outbox, `flask delivery pump`, three `flask worker` processes, a private Redis, the Zalo
sandbox) while the test crashes it: all workers with their work horses SIGKILLed four times at different
moments, the pump SIGKILLed once, Redis SIGKILLed and started again on the same port (losing every queued job;
250 of the notifications are posted while it is down). It still ends with every delivery `sent`, none missing.

A crash between Zalo's answer and the commit that records it makes a row be sent twice (at-least-once, by
design: sweeper.py). The test counts such duplicates, reports them (printed, a warning, the junit property
`duplicates`) and checks that each is a row sent again after a crash, at most one wave per worker crashed
(the batch sender sends a wave, one message per recipient of its batch, at once, and records it when the wave
ends; delivery/batch.py): nothing but that window. The target is 0; only a way to ask Zalo whether a message
went out could reach it.

Events: a province system's calls to the REST API over HTTP: 500 dossiers (code, procedure, applicant with
the Zalo user id of a citizen who follows the OA), each created `received` and then moved to
`supplement_required`, `processing`, `result_ready` and `returned`: four notifications each, and the
invitation to rate the returned dossier (issue 6), all sent as transaction cards. 450 dossiers are posted
before the pipeline starts, 50 while Redis is down.

Sweeper: the test runs `sweeper.sweep_stale(utcnow())` in its own process, with STALE_CLAIM and STALE_SENDING
set to 0 there only (monkeypatch; the subprocesses keep 2 and 5 minutes), each time the pipeline is quiet
(nothing queued in Redis, no work horse alive, no delivery row changing for QUIET seconds) while some rows are
still claimed or `sending`: those can only be orphans of the crashes, and this is what the `flask scheduler`
sweep does (a dead batch's `sending` rows once its heartbeat expires, delivery/heartbeat.py; claims after 2
minutes, which the test does not wait for; tests/pipeline/test_killed_worker.py runs the real sweep). Sweeping
only when quiet keeps the test from taking a row from a live worker (a duplicate made by the test, not by a crash).
`sweep_stale(utcnow() + 10 minutes)` would not do: the sweeper makes the rows it returns due at the `now` it is
given, so they would then wait ten minutes. A `flask scheduler` process would not either: real time is needed.
"""

import collections
import json
import logging
import time
import warnings
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis
from rq import Queue
from sqlalchemy import func, select

from platform_core.db.types import utcnow
from platform_core.delivery import sweeper
from platform_core.delivery.constants import DELIVERED, FAILED, PENDING, SEEN, SENDING, SENT
from platform_core.delivery.models import Delivery, Notification
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.jobs.queues import ALL_QUEUES
from tests.pipeline.stack import RestartableRedis, add_province, build_stack

PROVINCES = {"bac-ninh": "Bắc Ninh", "da-nang": "Đà Nẵng", "can-tho": "Cần Thơ"}
CITIZENS = (("Nguyễn Văn An", "0912345678"), ("Trần Thị Bình", "0987654321"), ("Lê Văn Cường", "0903123456"))
# After the creation (`received`), the events of every dossier; all but `processing` notify the citizen.
EVENTS = ({"status": "supplement_required", "missing_documents": ["Bản sao Giấy khai sinh"]},
          {"status": "processing"},
          {"status": "result_ready", "note": "Nhận tại Bộ phận Một cửa xã"},
          {"status": "returned"})
KINDS = ["received", "supplement_required", "result_ready", "returned", "rating_invitation"]
DOSSIERS_BEFORE, DOSSIERS_WHILE_REDIS_IS_DOWN = 450, 50  # x 5 notifications: 2,500 in all
WORKERS = 3
QUIET = 1.5  # seconds without any change in the delivery table or the queues before sweeping
DONE = (SENT, DELIVERED, SEEN)
# Deadlines, in seconds, for a stage (a crash waits for that many sent), the idle pipeline while Redis is down and
# the drain: each is 10-40 s on a busy machine; this many times over, the test may share the machine with other
# tests (it is not `alone`: tests/parallel.py), and one that fails has hung.
STAGE, IDLE, DRAIN = 180, 60, 240


@pytest.fixture(autouse=True)
def quiet_web_log():
    """2,500 API calls: keep the web server's access log out of the captured output."""
    log = logging.getLogger("werkzeug")
    level = log.level
    log.setLevel(logging.WARNING)
    yield
    log.setLevel(level)


@pytest.fixture
def private_redis(tmp_path):
    server = RestartableRedis(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def stack(tmp_path, private_redis, zalo_sandbox):
    stack = build_stack(tmp_path, private_redis.url, zalo_sandbox)
    stack.log_dir = tmp_path / "logs"
    yield stack
    stack.stop()


class Pipeline:
    """The test's view of the running stack: delivery counts, and waits that sweep crash orphans when quiet."""

    def __init__(self, stack, private_redis):
        self.stack = stack
        self.connection = redis.Redis.from_url(private_redis.url, socket_connect_timeout=1, socket_timeout=2)
        self.sweeps: list[dict] = []
        self.worker_crashes = self.workers_replaced = 0
        self.still_for = 0.0  # seconds since the delivery table or the queues last changed
        self._signature, self._changed_at = None, time.monotonic()

    # --- reading ---

    def counts(self) -> collections.Counter:
        """Deliveries per state and 'claimed' (holding a claim token) in every province, plus a fingerprint of
        the table ('attempts', last update per group) that changes whenever any row does."""
        counts = collections.Counter()
        for slug in PROVINCES:
            with self.stack.reading(slug) as session:  # no write lock: waiting for it timed out on a busy machine
                rows = session.execute(
                    select(Delivery.state, Delivery.claim_token.is_not(None), func.count(),
                           func.sum(Delivery.attempts), func.max(Delivery.updated_at))
                    .group_by(Delivery.state, Delivery.claim_token.is_not(None))).all()
            for state, claimed, count, attempts, updated in rows:
                counts[state] += count
                counts["claimed"] += count if claimed else 0
                counts["attempts"] += attempts or 0
                counts[f"updated {slug} {state} {claimed}"] = updated.timestamp() if updated else 0
        return counts

    def queued_jobs(self) -> int | None:
        """Jobs waiting in Redis; None while Redis does not answer."""
        try:
            return sum(Queue(name, connection=self.connection).count for name in ALL_QUEUES)
        except redis.RedisError:
            return None

    # --- waiting ---

    def wait(self, condition, timeout: float, what: str) -> None:
        """Poll `condition(counts)` until it holds. Meanwhile, as a supervisor and the scheduler would: restart
        workers that quit, and sweep when the pipeline is quiet while rows are still claimed or `sending`."""
        deadline = time.monotonic() + timeout
        while True:
            self.keep_workers_running()
            counts, queued = self._observe()
            if condition(counts):
                return
            orphans = counts["claimed"] or counts[SENDING]
            if queued == 0 and orphans and self.still_for >= QUIET and self.stack.horses() == 0:
                with self.stack.app.app_context():
                    self.sweeps.append(sweeper.sweep_stale(utcnow()))
                    db.session.remove()
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {timeout}s; deliveries {done(counts)} done of "
                                     f"{dict(counts)}; queued jobs {queued}; sweeps {self.sweeps}")
            time.sleep(0.1)

    def _observe(self) -> tuple[collections.Counter, int | None]:
        counts, queued = self.counts(), self.queued_jobs()
        signature, now = (tuple(sorted(counts.items())), queued), time.monotonic()
        if signature != self._signature:
            self._signature, self._changed_at = signature, now
        self.still_for = now - self._changed_at
        return counts, queued

    # --- crashing ---

    def crash_workers(self) -> None:
        self.stack.crash("worker")
        self.worker_crashes += 1
        self.stack.start_workers(WORKERS)

    def keep_workers_running(self) -> None:
        """An RQ worker may quit when Redis fails under it; a supervisor would start another."""
        self.workers_replaced += self.stack.reap("worker")
        self.stack.start_workers(WORKERS - self.stack.running("worker"))


def done(counts) -> int:
    return sum(counts[state] for state in DONE)


class ProvinceSystems:
    """The provinces' one-stop systems: they post dossiers and their status changes to the REST API."""

    def __init__(self, stack, provinces: dict, citizens: dict):
        self.citizens = citizens
        self.api = {slug: httpx.Client(base_url=f"{stack.url}/api/v1", timeout=30,
                                       headers={"Authorization": f"Bearer {province.api_key}"})
                    for slug, province in provinces.items()}

    def post(self, numbers: range) -> None:
        for n in numbers:
            self.post_dossier(n)

    def post_dossier(self, n: int) -> None:
        """Dossier n goes to province n % 3 and citizen n // 3 % 3: every province and citizen gets a share."""
        slug = list(PROVINCES)[n % len(PROVINCES)]
        api, (user_id, phone) = self.api[slug], self.citizens[slug][n // len(PROVINCES) % len(CITIZENS)]
        received = datetime.now(UTC)
        response = api.post("/dossiers", json={
            "code": code_of(n), "procedure_code": "1.004222", "received_at": received.isoformat(),
            "due_at": (received + timedelta(days=9)).isoformat(),
            "applicant": {"name": "Công dân", "phone": phone, "zalo_user_id": user_id},
        })
        assert response.status_code == 201, response.text
        for step, event in enumerate(EVENTS):
            response = api.post(f"/dossiers/{code_of(n)}/events", headers={"Idempotency-Key": f"{n}-{step}"},
                                json={**event, "occurred_at": datetime.now(UTC).isoformat()})
            assert response.status_code == 201, response.text

    def close(self) -> None:
        for api in self.api.values():
            api.close()


def code_of(n: int) -> str:
    return f"000.00.24.H04-251128-{n:04d}"


def final_rows(stack) -> list:
    rows = []
    for slug in PROVINCES:
        with stack.reading(slug) as session:
            rows += session.execute(
                select(Delivery.id, Delivery.state, Delivery.channel, Delivery.provider_message_id,
                       Delivery.error_code, Delivery.error_message, Delivery.attempts, Notification.event_kind,
                       Dossier.code)
                .join(Notification, Notification.id == Delivery.notification_id)
                .join(Dossier, Dossier.id == Notification.dossier_id)).all()
    return rows


def test_nothing_is_lost_when_workers_the_pump_and_redis_crash(stack, private_redis, zalo_sandbox, monkeypatch,
                                                              record_property):
    started = time.monotonic()
    monkeypatch.setattr(sweeper, "STALE_CLAIM", timedelta(0))  # in this process only: see the module docstring
    monkeypatch.setattr(sweeper, "STALE_SENDING", timedelta(0))
    provinces = {slug: add_province(stack, zalo_sandbox, slug, name) for slug, name in PROVINCES.items()}
    zalo_sandbox.settings(receipt_delay_ms=None, echo_sends=False, latency_ms=0)
    citizens = {slug: [(zalo_sandbox.add_user(province.app_id, display_name=name, phone=phone, is_follower=True,
                                              last_interaction="now")["user_id"], phone) for name, phone in CITIZENS]
                for slug, province in provinces.items()}
    systems = ProvinceSystems(stack, provinces, citizens)
    systems.post(range(DOSSIERS_BEFORE))
    total = (DOSSIERS_BEFORE + DOSSIERS_WHILE_REDIS_IS_DOWN) * len(KINDS)
    pipeline = Pipeline(stack, private_redis)
    timeline = [("posted", round(time.monotonic() - started, 1), 0, 0)]

    def crash(what: str, when_done: int) -> None:
        """Let deliveries flow until `when_done` are sent, then crash `what` while they still flow."""
        pipeline.wait(lambda counts: done(counts) >= when_done, STAGE, f"{when_done} sent before crashing {what}")
        timeline.append((what, round(time.monotonic() - started, 1), done(pipeline.counts()), stack.horses()))
        if "workers" in what:
            pipeline.crash_workers()
        if "pump" in what:
            stack.crash("pump")
            stack.start_pump()
        if "redis" in what:
            private_redis.stop()  # SIGKILL: every queued job, the pump's leader key and the limiters are gone
            systems.post(range(DOSSIERS_BEFORE, DOSSIERS_BEFORE + DOSSIERS_WHILE_REDIS_IS_DOWN))  # no Redis needed
            # Stay down until the batches already running have finished or stopped: nothing moves any more.
            pipeline.wait(lambda counts: pipeline.still_for >= 1.0, IDLE, "the pipeline idle while Redis is down")
            private_redis.start()  # same port: the pump and the workers reconnect by themselves

    stack.start_workers(WORKERS)
    stack.start_pump()
    crash("workers", 150)
    crash("workers and pump", 400)
    crash("redis", 700)
    crash("workers", 1000)
    crash("workers", 1400)
    pipeline.wait(lambda counts: done(counts) + counts[FAILED] == total, DRAIN, "every delivery sent or failed")
    timeline.append(("drained", round(time.monotonic() - started, 1), total, stack.horses()))
    systems.close()

    rows = final_rows(stack)
    by_state = collections.Counter(row.state for row in rows)
    failed = [(row.code, row.event_kind, row.error_code, row.error_message) for row in rows if row.state == FAILED]
    messages = {m["message_id"]: m for p in provinces.values() for m in zalo_sandbox.messages(oa_id=p.oa_id)}
    recorded = {row.provider_message_id: row for row in rows if row.state in DONE}
    missing = [(row.code, row.event_kind) for row in rows if row.state in DONE
               and row.provider_message_id not in messages]
    # A send whose message id never got recorded (a crash between Zalo's answer and the commit) is a duplicate
    # of the delivery whose recorded message has the same recipient and body.
    delivery_of_body = {body_key(messages[id_]): row for id_, row in recorded.items() if id_ in messages}
    unrecorded = [message for id_, message in messages.items() if id_ not in recorded]
    duplicates = [delivery_of_body.get(body_key(message)) for message in unrecorded]
    named = [(row.code[-4:], row.event_kind, row.attempts) if row else None for row in duplicates]
    report = (f"{len(rows)} deliveries {dict(by_state)}; {len(messages)} messages at the sandbox; "
              f"{len(duplicates)} duplicates {named} (dossier, kind, attempts); "
              f"failed {failed[:5]}; {pipeline.worker_crashes} worker crashes x {WORKERS}; "
              f"{pipeline.workers_replaced} workers quit by themselves; sweeps {pipeline.sweeps}; "
              f"timeline (what, s, sent, jobs running) {timeline}; {time.monotonic() - started:.0f}s")
    print(f"\nnothing lost: {report}")
    record_property("duplicates", len(duplicates))
    if duplicates:
        warnings.warn(f"nothing lost: {len(duplicates)} deliveries reached Zalo twice after a crash "
                      f"(at-least-once); {report}", stacklevel=1)

    assert len(rows) == total, report
    per_dossier = collections.defaultdict(list)
    for row in sorted(rows, key=lambda row: KINDS.index(row.event_kind)):
        per_dossier[row.code].append(row.event_kind)
    assert all(kinds == KINDS for kinds in per_dossier.values()) and len(per_dossier) == total // len(KINDS), report
    assert by_state[PENDING] == by_state[SENDING] == 0, report
    assert all(code is not None or message for *_, code, message in failed), report  # a failure says why
    assert failed == [], report  # the sandbox answers no permanent error in this test
    assert missing == [], f"{len(missing)} sent rows whose message id the sandbox never gave: {missing[:5]}; {report}"
    assert len(recorded) == total, report  # one message id per delivery, none shared
    assert all(row.code in str(messages[id_]["body"]) and row.channel == "transaction"
               for id_, row in recorded.items()), report
    # A duplicate can only be a row that a crash left `sending` after Zalo had answered, sent again by the
    # sweeper: at most one wave per worker (a worker runs one job, and a job's wave is recorded when it ends).
    assert None not in duplicates, f"a message at the sandbox that no delivery asked for; {report}"
    assert all(row.attempts >= 2 for row in duplicates), report
    wave_width = pipeline.stack.app.config["DELIVERY_BATCH_SIZE"]  # the most a job has in flight at once
    assert len(duplicates) <= pipeline.worker_crashes * WORKERS * wave_width, report


def body_key(message: dict) -> str:
    return json.dumps([message["oa_id"], message["user_id"], message["body"]], sort_keys=True, ensure_ascii=False)
