"""Retrying Zalo calls: -32 waits for the next minute, transient errors back off exponentially with jitter."""

import random
from datetime import UTC, datetime

from rq.registry import ScheduledJobRegistry

from platform_core.jobs.connection import get_redis
from platform_core.jobs.queues import QUEUE_ZALO_TX
from platform_core.zalo import jobs
from platform_core.zalo.backoff import CAP_SECONDS, retry_delay
from platform_core.zalo.errors import Family, ZaloTransportError, api_error
from tests.conftest import as_tenant
from tests.zalo.conftest import connect_to_sandbox

AT_40_SECONDS = datetime(2026, 11, 28, 9, 30, 40, tzinfo=UTC)


def test_rate_limited_waits_until_just_after_the_next_minute():
    error = api_error(Family.OA, {"error": -32, "message": "exceed limit"})
    delays = [retry_delay(error, attempt, AT_40_SECONDS, random.Random(seed)) for seed in range(50)
              for attempt in (1, 5)]
    assert all(20.5 <= delay <= 23.0 for delay in delays)


def test_transient_errors_back_off_exponentially_with_a_cap():
    error = ZaloTransportError(Family.OA, "connection reset")
    rng = random.Random(7)
    assert all(0 <= retry_delay(error, 1, AT_40_SECONDS, rng) <= 5 for _ in range(50))
    assert all(0 <= retry_delay(error, 4, AT_40_SECONDS, rng) <= 40 for _ in range(50))
    assert max(retry_delay(error, 30, AT_40_SECONDS, rng) for _ in range(200)) <= CAP_SECONDS


def test_other_outcomes_are_not_retried_here():
    for code in (-230, -201, -216, -211, -234):
        assert retry_delay(api_error(Family.OA, {"error": code, "message": "x"}), 1, AT_40_SECONDS) is None


def test_welcome_message_hit_by_minus_32_is_rescheduled_after_the_minute(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Vũ Minh Châu", last_interaction="now")
    sandbox.inject_fault(path="/message/cs", error=-32)
    registry = ScheduledJobRegistry(QUEUE_ZALO_TX, connection=get_redis())
    before = set(registry.get_job_ids())
    with as_tenant(tenant_a):
        outcome = jobs.send_welcome_message(citizen["user_id"])
    assert outcome["sent"] is False and outcome["code"] == -32 and 0 < outcome["retry_in"] <= 63
    [scheduled] = set(registry.get_job_ids()) - before
    assert scheduled.startswith(tenant_a.id.hex)
    registry.remove(scheduled, delete_job=True)


def test_welcome_message_to_an_ineligible_citizen_is_not_retried(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Hồ Thị Lan", last_interaction=None)
    with as_tenant(tenant_a):
        outcome = jobs.send_welcome_message(citizen["user_id"])
    assert outcome == {"sent": False, "code": -232, "outcome": "ineligible"}
