"""A webhook burst against a running Motcua (issue 12, "What it must show"): N signed `user_send_text` events
for several provinces at once while deliveries run, posted over loopback HTTP to the stack's server, and a
citizen of another province writing in the middle of it. Used by tests/pipeline/test_webhook_burst.py (scaled
down) and bench/webhook_burst.py (10,000 events); both give it a running stack (stack.py) and the sandbox.

The pipeline is `make run`'s: two `flask worker` (every queue), one for the maintenance queue, `flask
scheduler` and `flask delivery pump` (whose leader claims the stored events, zalo/intake.py). Every citizen
writes twice ("xin chào" twice: the bot answers each), so per-citizen order can be read back.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC

import httpx
import redis
from rq.job import Job
from rq.registry import FinishedJobRegistry
from rq.serializers import JSONSerializer
from rq.worker import Worker
from sqlalchemy import func, select

from platform_core.delivery.outbox import send_reply
from platform_core.extensions import db
from platform_core.jobs.queues import QUEUE_MAINTENANCE, QUEUE_ZALO_EVENTS
from platform_core.zalo.constants import EVENT_RECEIVED
from platform_core.zalo.models import ZaloEvent
from platform_core.zalo.webhooks import expected_signature
from tests.pipeline.stack import add_province

BURST_SLUGS = ("bac-ninh", "ha-noi", "hue")
QUIET_SLUG = "da-nang"
SWEEP = "platform_core.delivery.jobs.sweep"  # the maintenance job run every 5 s (jobs/scheduler.py)
EVENT_BATCH_JOB = "platform_core.zalo.jobs.process_events"
QUEUED_REPLIES = 50  # deliveries already waiting in each burst province when the burst starts
POSTING_THREADS = 8
ZALO_ATTEMPTS = 3  # Zalo re-sends an event it got no 200 for (docs/zalo-oa.md §5); here at once


@dataclass
class Figures:
    events: int
    posted_seconds: float = 0.0
    statuses: dict = field(default_factory=dict)  # every answer, re-sends included
    quiet_answered_after: float | None = None  # seconds from the quiet citizen's message to the sandbox's send
    processed_after: float | None = None  # seconds from the first post to the last event processed
    stored: int = 0
    waiting: int = 0
    failed: int = 0
    out_of_order: int = 0  # citizens whose second message was processed before their first
    answers: dict = field(default_factory=dict)  # (oa id, user id) -> answers at the sandbox
    sweeps: list = field(default_factory=list)  # end times (epoch s) of the maintenance sweeps during the run
    batches: list = field(default_factory=list)  # (events in the batch, seconds it ran) of each event batch
    started_at: float = 0.0
    ended_at: float = 0.0

    def summary(self) -> str:
        runs = sorted(seconds for _, seconds in self.batches) or [0.0]
        quiet = f"{self.quiet_answered_after:.1f} s" if self.quiet_answered_after is not None else "never"
        return (f"{self.events} events posted in {self.posted_seconds:.1f} s, answers {self.statuses}; all processed "
                f"after {self.processed_after:.1f} s; stored {self.stored}, waiting {self.waiting}, failed "
                f"{self.failed}, out of order {self.out_of_order}; quiet citizen answered after {quiet}; "
                f"{len(self.batches)} event batches, run p50 {runs[len(runs) // 2]:.2f} s, max {runs[-1]:.2f} s; "
                f"longest time without a sweep {self.longest_sweep_gap:.1f} s")

    @property
    def longest_sweep_gap(self) -> float:
        """The longest time without a finished sweep between the burst's start and the end of the run."""
        moments = [self.started_at, *sorted(t for t in self.sweeps if self.started_at <= t <= self.ended_at),
                   self.ended_at]
        return max(later - earlier for earlier, later in zip(moments, moments[1:], strict=False))


def signed(app, user_id: str, n: int) -> tuple[bytes, dict]:
    body = {"app_id": app.app_id, "sender": {"id": user_id}, "recipient": {"id": app.oa_id},
            "event_name": "user_send_text", "message": {"text": "xin chào", "msg_id": f"burst-{user_id}-{n}"},
            "timestamp": str(int(time.time() * 1000))}
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = expected_signature(app.app_id, raw, body["timestamp"], app.oa_secret_key)
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


def start_pipeline(stack, redis_connection, workers: int = 2) -> None:
    stack.start_workers(workers)
    stack.start("maintenance", ["worker", "--queues", QUEUE_MAINTENANCE])
    stack.start("scheduler", ["scheduler"])
    pids = {process.pid for name in ("worker", "maintenance") for process in stack.processes[name]}
    _wait(lambda: pids <= {worker.pid for worker in Worker.all(connection=redis_connection)}, 60, "workers")
    stack.start_pump()


def run_burst(stack, sandbox, redis_url: str, events: int, deadline_seconds: float) -> Figures:
    """Post `events` (an even number) for the burst provinces, the quiet citizen's message in the middle, and
    wait until every event is processed and answered (or `deadline_seconds` pass). Returns what was seen."""
    apps = {slug: sandbox.state.apps[add_province(stack, sandbox, slug, slug.title()).app_id]
            for slug in (*BURST_SLUGS, QUIET_SLUG)}
    citizens = events // 2
    users = {slug: sandbox.add_users(apps[slug].app_id, citizens // len(BURST_SLUGS) + 1, last_interaction="now")
             for slug in BURST_SLUGS}
    [quiet_user] = sandbox.add_users(apps[QUIET_SLUG].app_id, 1, last_interaction="now")
    for slug in BURST_SLUGS:  # deliveries running while the burst comes in
        with stack.app.app_context(), stack.in_tenant(slug):
            for n in range(QUEUED_REPLIES):
                send_reply(users[slug][n % len(users[slug])], "Hồ sơ của bạn đang được xử lý.",
                           idempotency_key=f"queued-{n}")
            db.session.commit()
            db.session.remove()
    connection = redis.Redis.from_url(redis_url)
    start_pipeline(stack, connection)
    sweeps, watching = set(), threading.Event()
    watcher = threading.Thread(target=_watch_sweeps, args=(redis_url, sweeps, watching))
    watcher.start()
    work = [(slug, users[slug][n // len(BURST_SLUGS) // 2 % len(users[slug])], n % 2) for n in range(events)
            for slug in [BURST_SLUGS[n // 2 % len(BURST_SLUGS)]]]
    figures = Figures(events=events, started_at=time.time())
    quiet = threading.Thread(target=_quiet_citizen, args=(stack, sandbox, apps[QUIET_SLUG], quiet_user, figures,
                                                          deadline_seconds))
    figures.posted_seconds = _post(stack.url, apps, work, figures.statuses, halfway=quiet.start)
    _wait(lambda: sum(_counts(stack, slug)[1] for slug in BURST_SLUGS) == 0, deadline_seconds,
          "every event processed", fail=False)
    figures.processed_after = time.time() - figures.started_at
    expected = {(apps[slug].oa_id, user) for slug, user, _ in work}
    _wait(lambda: _answers(sandbox, {apps[slug].oa_id for slug in BURST_SLUGS}, expected) >= 2 * len(expected),
          deadline_seconds, "every event answered", fail=False)
    quiet.join()
    figures.ended_at = time.time()
    figures.answers = _answered(sandbox, {apps[slug].oa_id for slug in BURST_SLUGS}, expected)
    for slug in BURST_SLUGS:
        stored, waiting, failed = _counts(stack, slug)
        figures.stored, figures.waiting, figures.failed = (figures.stored + stored, figures.waiting + waiting,
                                                           figures.failed + failed)
        figures.out_of_order += _out_of_order(stack, slug)
    watching.set()
    watcher.join()
    figures.sweeps = sorted(sweeps)
    figures.batches = [(result["processed"] + result["failed"], ended - started)
                       for result, started, ended in _finished(connection, QUEUE_ZALO_EVENTS, EVENT_BATCH_JOB)]
    connection.close()
    return figures


def _post(url: str, apps: dict, work: list, statuses: dict, halfway) -> float:
    """Post every (slug, user, n) from POSTING_THREADS threads; `halfway()` once half are posted."""
    items, lock, done = iter(work), threading.Lock(), [0]

    def loop() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while True:
                with lock:
                    item = next(items, None)
                    done[0] += 1
                    if done[0] == len(work) // 2:
                        halfway()
                if item is None:
                    return
                slug, user, n = item
                raw, headers = signed(apps[slug], user, n)
                for _ in range(ZALO_ATTEMPTS):  # as Zalo does, the same event again until it is answered 200
                    status = client.post(f"/zalo/webhook/{slug}", content=raw, headers=headers).status_code
                    with lock:
                        statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        break

    started = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(POSTING_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def _quiet_citizen(stack, sandbox, app, user: str, figures: Figures, deadline_seconds: float) -> None:
    raw, headers = signed(app, user, 0)
    written = time.time()
    assert httpx.post(f"{stack.url}/zalo/webhook/{QUIET_SLUG}", content=raw, headers=headers,
                      timeout=60).status_code == 200
    if _wait(lambda: _answers(sandbox, {app.oa_id}, {(app.oa_id, user)}), deadline_seconds, "quiet", fail=False):
        figures.quiet_answered_after = time.time() - written


def _answered(sandbox, oa_ids: set[str], citizens: set) -> dict:
    with sandbox.state.lock:
        messages = [(m.oa_id, m.user_id) for m in sandbox.state.messages.values()
                    if m.oa_id in oa_ids and m.kind == "cs" and m.body.get("message", {}).get("text", "")
                    .startswith("Xin chào")]
    counted: dict = {}
    for key in messages:
        if key in citizens:
            counted[key] = counted.get(key, 0) + 1
    return counted


def _answers(sandbox, oa_ids: set[str], citizens: set) -> int:
    return sum(_answered(sandbox, oa_ids, citizens).values())


def _counts(stack, slug: str) -> tuple[int, int, int]:
    """(events stored, waiting, failed) of the province."""
    with stack.reading(slug) as session:
        return (session.scalar(select(func.count()).select_from(ZaloEvent)),
                session.scalar(select(func.count()).select_from(ZaloEvent)
                               .where(ZaloEvent.status == EVENT_RECEIVED, ZaloEvent.error.is_(None))),
                session.scalar(select(func.count()).select_from(ZaloEvent).where(ZaloEvent.error.is_not(None))))


def _out_of_order(stack, slug: str) -> int:
    """Citizens whose events were not processed in the order they were stored."""
    with stack.reading(slug) as session:
        rows = session.execute(select(ZaloEvent.zalo_user_id, ZaloEvent.processed_at)
                               .where(ZaloEvent.processed_at.is_not(None))
                               .order_by(ZaloEvent.received_at, ZaloEvent.id)).all()
    last, disordered = {}, set()
    for user, processed in rows:
        if user in last and processed < last[user]:
            disordered.add(user)
        last[user] = processed
    return len(disordered)


def _watch_sweeps(redis_url: str, ended: set, stop: threading.Event) -> None:
    """Collect the end times of finished sweeps every second until `stop` (RQ keeps a sweep's result 60 s
    only, so reading them at the end would miss the earlier ones)."""
    connection = redis.Redis.from_url(redis_url)
    while not stop.wait(1.0):
        ended.update(moment for _, _, moment in _finished(connection, QUEUE_MAINTENANCE, SWEEP))
    ended.update(moment for _, _, moment in _finished(connection, QUEUE_MAINTENANCE, SWEEP))
    connection.close()


def _finished(connection, queue: str, func_name: str) -> list[tuple]:
    """(result, started, ended: epoch s) of the queue's finished `func_name` jobs."""
    registry = FinishedJobRegistry(queue, connection=connection, serializer=JSONSerializer)
    jobs = Job.fetch_many(registry.get_job_ids(), connection=connection, serializer=JSONSerializer)
    return [(job.return_value(), _epoch(job.started_at), _epoch(job.ended_at)) for job in jobs
            if job and job.func_name == func_name and job.ended_at]


def _epoch(moment) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _wait(condition, timeout: float, what: str, fail: bool = True):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            assert not fail, f"{what}: not within {timeout:.0f} s"
            return None
        time.sleep(0.2)
    return result
