"""A killed worker's batch goes on within seconds, and a slow live batch is never sent twice (issue 12 item 8).

Real processes on real Redis, as `make run` has them: two `flask worker` for the delivery queues, one for the
maintenance queue, `flask scheduler` (the sweep every few seconds), `flask delivery pump`, the Zalo sandbox
answering every call after a delay. On the database the suite runs on (SQLite, or PostgreSQL with DATABASE_URL).

Before: the rest of a killed worker's batch stayed `sending` until the sweeper's 5-minute rule (STALE_SENDING),
and the rule would as well have sent again a live batch slower than 5 minutes. Now each batch keeps a heartbeat
in Redis (delivery/heartbeat.py) and the sweeper sends again only the rows of a batch whose heartbeat is gone.

The stack's heartbeats live HEARTBEAT_TTL_SECONDS instead of 8 and the scheduler sweeps every SWEEP_SECONDS
instead of 5 (README, "Settings"): the same rules on a shorter clock, so that each test waits less.
"""

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis
from rq import Worker
from rq.job import Job
from rq.registry import FinishedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import select

from platform_core.delivery import heartbeat
from platform_core.delivery.constants import SENT
from platform_core.delivery.models import Delivery
from platform_core.jobs.queues import QUEUE_MAINTENANCE, QUEUE_ZALO_BULK, QUEUE_ZALO_TX
from tests.pipeline.stack import add_province, running_stack, stack_database

pytestmark = pytest.mark.alone  # measures time

SENDERS = ("sender-1", "sender-2")
GOES_ON_WITHIN = 30  # seconds from the kill to the whole batch sent; the old rule took 5 minutes
HEARTBEAT_TTL_SECONDS, SWEEP_SECONDS = 3, 1


@pytest.fixture
def stack(tmp_path, redis_url, zalo_sandbox):
    with stack_database(tmp_path) as database, running_stack(tmp_path, redis_url, zalo_sandbox, database) as stack:
        stack.redis = redis.Redis.from_url(redis_url)
        stack.env = stack.env | {"DELIVERY_HEARTBEAT_TTL_SECONDS": str(HEARTBEAT_TTL_SECONDS),
                                 "DELIVERY_SWEEP_SECONDS": str(SWEEP_SECONDS)}
        yield stack


def start_pipeline(stack) -> None:
    """The delivery workers, the maintenance worker and the scheduler, registered with Redis; then the pump."""
    for name in SENDERS:
        stack.start(name, ["worker", "--queues", QUEUE_ZALO_TX, "--queues", QUEUE_ZALO_BULK])
    stack.start("maintenance", ["worker", "--queues", QUEUE_MAINTENANCE])
    stack.start("scheduler", ["scheduler"])
    pids = {process.pid for name in (*SENDERS, "maintenance") for process in stack.processes[name]}
    wait_for(lambda: pids <= {worker.pid for worker in Worker.all(connection=stack.redis)}, 60, "workers started")
    stack.start_pump()


def post_dossiers(stack, province, user_ids: list[str], each: int) -> int:
    """`each` dossiers for every citizen, posted before the pump starts: one batch of their notices."""
    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=30)
    received = datetime.now(UTC)
    for n in range(each * len(user_ids)):
        response = api.post("/dossiers", json={
            "code": f"000.00.24.H04-251128-{n:04d}", "procedure_code": "1.004222",
            "received_at": received.isoformat(), "due_at": (received + timedelta(days=9)).isoformat(),
            "applicant": {"name": "Công dân", "phone": "0912345678", "zalo_user_id": user_ids[n % len(user_ids)]}})
        assert response.status_code == 201, response.text
    api.close()
    return each * len(user_ids)


def rows(stack, slug: str) -> list:
    with stack.reading(slug) as session:
        return session.execute(select(Delivery.state, Delivery.attempts, Delivery.provider_message_id)).all()


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(0.05)
    return result


def sender_of_the_batch(stack) -> str:
    """The stack's name of the process sending a batch now, found by the batch's heartbeat (it names the RQ
    worker)."""
    [key] = stack.redis.keys(heartbeat.KEY.format("*"))
    worker = Worker.find_by_key(f"{Worker.redis_worker_namespace_prefix}{stack.redis.get(key).decode()}",
                                connection=stack.redis)
    return next(name for name in SENDERS if stack.processes[name][0].pid == worker.pid)


def test_the_rest_of_a_killed_workers_batch_is_sent_within_seconds(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "hue", "Huế")
    citizens = zalo_sandbox.add_users(province.app_id, 2, is_follower=True, last_interaction="now")
    total = post_dossiers(stack, province, citizens, each=10)  # one batch of 20, ten waves of two
    zalo_sandbox.settings(latency_ms=400, receipt_delay_ms=None, echo_sends=False)
    start_pipeline(stack)

    wait_for(lambda: len(zalo_sandbox.messages(oa_id=province.oa_id)) >= 4, 60, "the batch half-way")
    killed = sender_of_the_batch(stack)
    assert stack.crash(killed) >= 1
    crashed_at = time.monotonic()
    sent_before_the_kill = len(zalo_sandbox.messages(oa_id=province.oa_id))

    wait_for(lambda: [state for state, *_ in rows(stack, "hue")] == [SENT] * total, GOES_ON_WITHIN,
             "the rest of the killed worker's batch sent")
    took = time.monotonic() - crashed_at

    final = rows(stack, "hue")
    messages = {message["message_id"] for message in zalo_sandbox.messages(oa_id=province.oa_id)}
    recorded = {message_id for _, _, message_id in final}
    duplicates = len(messages) - len(recorded)
    sent_again = [attempts for _, attempts, _ in final if attempts > 1]
    print(f"\nkilled {killed} with {sent_before_the_kill} of {total} at Zalo; the rest sent {took:.1f} s later; "
          f"{len(sent_again)} rows sent again, {duplicates} of them reached Zalo twice")
    assert len(recorded) == total and recorded <= messages  # nothing lost: every row's message reached Zalo
    assert sent_again and set(sent_again) == {2}  # the rest of the batch, each counted as a second attempt
    assert 0 <= duplicates <= min(len(sent_again), len(citizens))  # at most the wave in flight, all counted


def test_a_slow_live_batch_is_not_sent_again(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "hue", "Huế")
    [citizen] = zalo_sandbox.add_users(province.app_id, 1, is_follower=True, last_interaction="now")
    total = post_dossiers(stack, province, [citizen], each=6)  # one batch, six waves of one
    zalo_sandbox.settings(latency_ms=1500, receipt_delay_ms=None, echo_sends=False)  # 9 s: > TTL, many sweeps
    start_pipeline(stack)

    wait_for(lambda: zalo_sandbox.messages(oa_id=province.oa_id), 60, "the batch started")
    started = time.time()
    wait_for(lambda: [state for state, *_ in rows(stack, "hue")] == [SENT] * total, 60, "the slow batch sent")
    finished = time.time()

    assert finished - started > HEARTBEAT_TTL_SECONDS + SWEEP_SECONDS
    assert len(zalo_sandbox.messages(oa_id=province.oa_id)) == total
    assert [attempts for _, attempts, _ in rows(stack, "hue")] == [1] * total
    assert sweeps_between(stack, started, finished) >= 2  # the sweeper looked, and left it alone


def sweeps_between(stack, start: float, end: float) -> int:
    registry = FinishedJobRegistry(QUEUE_MAINTENANCE, connection=stack.redis)
    jobs = Job.fetch_many(registry.get_job_ids(), connection=stack.redis, serializer=JSONSerializer)
    return sum(1 for job in jobs if job is not None and job.func_name == "platform_core.delivery.jobs.sweep"
               and start <= job.ended_at.replace(tzinfo=UTC).timestamp() <= end)
