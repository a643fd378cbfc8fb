"""The pump claims within each tenant's limits, a batch at a time, fairly, and enqueues jobs with the tenant."""

import os
import signal
import subprocess
import time
from datetime import timedelta

import redis
from sqlalchemy import event, func, select

from platform_core.db.types import utcnow
from platform_core.delivery import pump
from platform_core.delivery.models import Delivery
from platform_core.delivery.policy import set_limits
from platform_core.delivery.sweeper import sweep_stale
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_ZALO_BULK, QUEUE_ZALO_TX
from tests import factories
from tests.conftest import TEST_ENCRYPTION_KEY, as_tenant
from tests.delivery.support import queue_replies
from tests.pipeline.stack import FLASK, REPO_ROOT


def claimed(tenant) -> int:
    with as_tenant(tenant):
        return db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.claim_token.is_not(None)))


def test_a_tick_claims_one_batch_per_tenant_and_queues_it_with_the_tenant(tenant_a, tenant_b):
    queue = open_queue(QUEUE_ZALO_TX)
    queue.empty()
    batch = pump.batch_size()  # the default limits' burst (100) allows a whole batch at once
    queue_replies(tenant_a, batch + 10)
    queue_replies(tenant_b, 5)
    assert pump.tick() == {"tx": batch + 5}
    assert (claimed(tenant_a), claimed(tenant_b)) == (batch, 5)
    owners = sorted(job.meta["tenant_id"] for job in queue.jobs)
    assert owners == sorted([str(tenant_a.id), str(tenant_b.id)])
    queue.empty()


def statements_of_a_tick() -> tuple[int, dict]:
    seen = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        claimed = pump.tick()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen), claimed


def test_one_tick_claims_for_every_due_tenant_in_the_same_few_statements(tenant_a, tenant_b):
    """The tick reads, claims and commits in statements that do not grow with the tenants it serves."""
    for queue in (open_queue(QUEUE_ZALO_TX), open_queue(QUEUE_ZALO_BULK)):
        queue.empty()
    for tenant in (tenant_a, tenant_b):
        queue_replies(tenant, 3, prefix="tx")
        queue_replies(tenant, 3, message_class="bulk", prefix="bulk")
    few, claimed_for_two = statements_of_a_tick()
    more = [factories.create_tenant(f"tinh-{n}", f"Tỉnh {n}") for n in range(6)]
    for tenant in (tenant_a, tenant_b, *more):
        queue_replies(tenant, 3, prefix="tx-again")
        queue_replies(tenant, 3, message_class="bulk", prefix="bulk-again")
    many, claimed_for_eight = statements_of_a_tick()
    assert claimed_for_two == {"tx": 6, "bulk": 6}
    assert claimed_for_eight == {"tx": 24, "bulk": 24}
    assert all(claimed(tenant) == 6 for tenant in more)
    # Three queries (the due work, the policies, the claim) with their transactions' begin and commit, and on
    # PostgreSQL the row-level security settings of each transaction.
    assert many == few <= 12, f"{few} statements for 2 tenants, {many} for 8"
    # Each tenant's notices are all it has due: every tick's transactional grants go as one wave (below).
    assert len(open_queue(QUEUE_ZALO_TX).jobs) == 1 + 1 and len(open_queue(QUEUE_ZALO_BULK).jobs) == 2 + 8
    for queue in (open_queue(QUEUE_ZALO_TX), open_queue(QUEUE_ZALO_BULK)):
        queue.empty()


def test_a_ticks_caught_up_transactional_grants_go_as_one_wave_and_backlogs_as_their_own_jobs(tenant_a, tenant_b):
    """The quiet provinces' notices are sent side by side by one worker (delivery/batch.deliver_wave), each named
    with its tenant; a backlog's batch stays a job of its tenant; a wave holds at most a batch of rows."""
    queue = open_queue(QUEUE_ZALO_TX)
    queue.empty()
    quiet = [tenant_b, *(factories.create_tenant(f"tinh-lang-{n}", f"Tỉnh {n}") for n in range(3))]
    never_binding_limits(tenant_a)
    queue_replies(tenant_a, pump.batch_size() + 1)
    for tenant in quiet:
        queue_replies(tenant, 2)
    assert pump.tick() == {"tx": pump.batch_size() + 2 * len(quiet)}
    wave, backlog = queue.jobs
    assert wave.func_name.endswith("deliver_wave") and wave.meta["tenant_id"] is None
    assert sorted(tenant_id for tenant_id, _ in wave.args[0]) == sorted(str(tenant.id) for tenant in quiet)
    with as_tenant(tenant_b):
        tokens = set(db.session.scalars(select(Delivery.claim_token)))
    assert tokens == {token for tenant_id, token in wave.args[0] if tenant_id == str(tenant_b.id)}
    assert backlog.func_name.endswith("deliver_transactional") and backlog.meta["tenant_id"] == str(tenant_a.id)
    queue.empty()


def test_waves_hold_at_most_a_batch_of_rows_and_a_wave_of_one_is_its_tenants_job(app, tenant_a, tenant_b):
    grants = [pump.Grant(tenant.id, "tx", count, token, caught_up=True)
              for tenant, count, token in ((tenant_a, 60, "a"), (tenant_b, 30, "b"), (tenant_a, 20, "c"))]
    calls = pump.jobs_for(grants, {"a": 60, "b": 30, "c": 20})
    assert [(func.__name__, args, tenant_id) for func, args, tenant_id, _ in calls] == [
        ("deliver_wave", ([[str(tenant_a.id), "a"], [str(tenant_b.id), "b"]],), None),
        ("deliver_transactional", ("c",), tenant_a.id)]
    assert all(at_front for *_, at_front in calls)


def never_binding_limits(tenant) -> None:
    with as_tenant(tenant):
        set_limits("tx", per_minute=4000, burst=10**6)


def test_in_flight_batches_are_capped_per_tenant(tenant_a):
    open_queue(QUEUE_ZALO_TX).empty()
    never_binding_limits(tenant_a)
    queue_replies(tenant_a, 3 * pump.batch_size())
    pump.tick()
    pump.tick()
    assert pump.tick() == {}
    assert claimed(tenant_a) == pump.MAX_INFLIGHT_BATCHES * pump.batch_size()
    open_queue(QUEUE_ZALO_TX).empty()


def test_a_tenant_that_is_caught_up_is_queued_before_the_backlogs_waiting(tenant_a, tenant_b):
    """A quiet province's notices wait for a free worker, not behind the backlogged provinces' batches, even while
    an earlier notice of theirs is at work."""
    queue = open_queue(QUEUE_ZALO_TX)
    queue.empty()
    never_binding_limits(tenant_a)
    queue_replies(tenant_a, 3 * pump.batch_size())
    queue_replies(tenant_b, 1)
    pump.tick()  # tenant_a's first batch, and tenant_b's notice, which is all it has
    queue_replies(tenant_b, 1, prefix="next")
    pump.tick()  # tenant_a's second batch, and tenant_b's next notice
    a, b = str(tenant_a.id), str(tenant_b.id)
    assert [job.meta["tenant_id"] for job in queue.jobs] == [b, b, a, a]
    queue.empty()


def test_a_paced_tenant_counts_in_flight_batches_not_rows(tenant_a):
    """One-row batches of a paced province must not pile up in the shared queue ahead of other provinces."""
    queue = open_queue(QUEUE_ZALO_TX)
    queue.empty()
    with as_tenant(tenant_a):
        set_limits("tx", per_minute=60_000, burst=1)  # one row per tick
    queue_replies(tenant_a, 10)
    granted = [pump.tick() for _ in range(4)]
    assert claimed(tenant_a) == pump.MAX_INFLIGHT_BATCHES
    assert granted[-1] == {} and len(queue.jobs) == pump.MAX_INFLIGHT_BATCHES
    queue.empty()


def test_the_rate_policy_limits_what_is_claimed(tenant_a):
    open_queue(QUEUE_ZALO_TX).empty()
    with as_tenant(tenant_a):
        set_limits("tx", per_minute=60, burst=3)
    queue_replies(tenant_a, 10)
    assert pump.tick() == {"tx": 3}
    open_queue(QUEUE_ZALO_TX).empty()


def test_future_rows_and_suspended_tenants_wait(tenant_a, tenant_b, db_session):
    open_queue(QUEUE_ZALO_TX).empty()
    [later] = queue_replies(tenant_a, 1)
    with as_tenant(tenant_a):
        db.session.get(Delivery, (tenant_a.id, later)).next_attempt_at = utcnow() + timedelta(minutes=5)
        db.session.flush()
    queue_replies(tenant_b, 2)
    tenant_b.status = "suspended"
    db_session.flush()
    assert pump.tick() == {}


def test_the_sweeper_returns_stale_claims(tenant_a):
    open_queue(QUEUE_ZALO_TX).empty()
    queue_replies(tenant_a, 3)
    pump.tick()
    assert sweep_stale(utcnow())["claims_returned"] == 0
    assert sweep_stale(utcnow() + timedelta(minutes=3))["claims_returned"] == 3
    assert claimed(tenant_a) == 0
    open_queue(QUEUE_ZALO_TX).empty()


def test_a_daily_cap_stops_claiming_for_the_rest_of_the_province_day(tenant_a):
    open_queue(QUEUE_ZALO_TX).empty()
    with as_tenant(tenant_a):
        set_limits("tx", per_minute=3000, burst=100, daily_cap=7)
    queue_replies(tenant_a, 30)
    assert pump.tick() == {"tx": 7}
    sweep_stale(utcnow() + timedelta(minutes=3))  # give the claims back: the cap still holds today
    assert pump.tick() == {}
    open_queue(QUEUE_ZALO_TX).empty()


def test_limits_command_shows_and_sets(runner, tenant_a, db_session):
    assert "3000/minute, burst 100, daily cap none" in runner.invoke(args=["delivery", "limits", "bac-ninh"]).output
    result = runner.invoke(args=["delivery", "limits", "bac-ninh", "--per-minute", "120", "--daily-cap", "50"])
    assert result.exit_code == 0 and "120/minute, burst 100, daily cap 50" in result.output
    bad = runner.invoke(args=["delivery", "limits", "bac-ninh", "--per-minute", "9000"])
    assert bad.exit_code != 0 and "--per-minute" in bad.output


def test_the_pump_does_not_write_an_audit_row_per_tick(tenant_a, db_session):
    from platform_core.audit.models import PlatformAuditEvent

    def audit_rows() -> int:
        return db_session.scalar(select(func.count()).select_from(PlatformAuditEvent))

    before = audit_rows()
    for rotation in range(5):
        pump.tick(rotation)
    assert audit_rows() == before


def test_orphaned_claims_do_not_stall_the_tenant(tenant_a):
    open_queue(QUEUE_ZALO_TX).empty()
    never_binding_limits(tenant_a)
    queue_replies(tenant_a, 3 * pump.batch_size())
    pump.tick()
    pump.tick()  # two batches in flight: the cap
    assert pump.tick() == {}
    later = utcnow() + timedelta(minutes=3)  # their worker died: the claims are now older than STALE_CLAIM
    assert pump.tick(now=later) == {"tx": pump.batch_size()}
    open_queue(QUEUE_ZALO_TX).empty()


def test_a_limit_that_does_not_divide_a_minute_still_serves_the_tenant(tenant_a):
    """3,500/min: the limiter's interval is fractional; Redis once refused the script and no tenant was served."""
    open_queue(QUEUE_ZALO_TX).empty()
    with as_tenant(tenant_a):
        set_limits("tx", per_minute=3500, burst=100)
    queue_replies(tenant_a, 30)
    assert pump.tick() == {"tx": 30}
    open_queue(QUEUE_ZALO_TX).empty()


def test_transactional_and_bulk_share_the_oa_limit_transactional_first(tenant_a):
    """Zalo meters per app: what transactional messages take, bulk cannot take again in the same window."""
    open_queue(QUEUE_ZALO_TX).empty()
    open_queue(QUEUE_ZALO_BULK).empty()
    with as_tenant(tenant_a):
        set_limits("tx", per_minute=60, burst=5)
        set_limits("bulk", per_minute=600, burst=20)
    queue_replies(tenant_a, 3, prefix="tx")
    queue_replies(tenant_a, 10, message_class="bulk", prefix="bulk")
    assert pump.tick() == {"tx": 3, "bulk": 1}  # of the OA's 5, bulk may use 4 (policy.TX_RESERVE_SHARE)
    open_queue(QUEUE_ZALO_TX).empty()
    open_queue(QUEUE_ZALO_BULK).empty()


def test_a_draining_broadcast_leaves_transactional_notices_a_reserve_of_the_oa_limit(tenant_a):
    """Bulk takes what the OA's bucket has, except the last third of its burst: a citizen's notice that
    arrives while the news drains is granted at the next tick, not after the bucket's next refill."""
    open_queue(QUEUE_ZALO_TX).empty()
    open_queue(QUEUE_ZALO_BULK).empty()
    with as_tenant(tenant_a):
        set_limits("tx", per_minute=60, burst=6)
        set_limits("bulk", per_minute=600, burst=20)
    queue_replies(tenant_a, 30, message_class="bulk", prefix="bulk")
    assert pump.tick() == {"bulk": 4}
    queue_replies(tenant_a, 2, prefix="tx")
    assert pump.tick() == {"tx": 2}
    open_queue(QUEUE_ZALO_TX).empty()
    open_queue(QUEUE_ZALO_BULK).empty()


def test_bulk_is_capped_by_its_own_share_of_the_oa_limit(tenant_a):
    open_queue(QUEUE_ZALO_BULK).empty()
    with as_tenant(tenant_a):
        set_limits("bulk", per_minute=60, burst=4)
    queue_replies(tenant_a, 30, message_class="bulk")
    assert pump.tick() == {"bulk": 4}
    open_queue(QUEUE_ZALO_BULK).empty()


def test_the_pump_goes_on_after_a_database_error(tenant_a, monkeypatch):
    """A "database is locked" in one tick is rolled back; the loop keeps serving."""
    import threading

    from sqlalchemy.exc import OperationalError

    stop, ticks = threading.Event(), []

    def tick(rotation):
        ticks.append(rotation)
        if len(ticks) == 1:
            raise OperationalError("UPDATE delivery", {}, Exception("database is locked"))
        stop.set()

    monkeypatch.setattr(pump, "tick", tick)
    monkeypatch.setattr(pump, "_lead", lambda me: True)
    pump.run(stop, interval=0.01)  # returns once the second tick sets `stop`
    assert len(ticks) == 2


def test_a_running_pump_exits_promptly_on_sigterm(app_config, redis_url, tmp_path):
    """`flask delivery pump` as deployed: once it leads, SIGTERM ends it within a tick, cleanly."""
    env = os.environ | {
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"], "DATABASE_OWNER_URL": app_config["DATABASE_OWNER_URL"],
        "REDIS_URL": redis_url, "SECRET_KEY": "test-secret-key", "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
        "MOTCUA_INSTANCE_PATH": app_config["INSTANCE_PATH"], "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "pump.log"
    leader = redis.Redis.from_url(redis_url)
    leader.delete(pump.LEADER_KEY)
    with open(log_path, "wb") as output:
        process = subprocess.Popen([FLASK, "--app", "wsgi", "delivery", "pump", "--interval", "0.2"],  # noqa: S603
                                   cwd=REPO_ROOT, env=env, stdout=output, stderr=output, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not leader.exists(pump.LEADER_KEY):
            assert process.poll() is None and time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.05)
        signalled = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        assert time.monotonic() - signalled < 5, "the pump took more than a few seconds to stop"
        assert process.returncode == 0, log_path.read_text()[-3000:]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        leader.delete(pump.LEADER_KEY)

