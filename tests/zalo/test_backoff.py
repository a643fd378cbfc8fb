"""Retrying Zalo calls: -32 waits for the next minute, transient errors back off exponentially with jitter;
an ineligible citizen with no other channel fails with Zalo's code."""

import random
from datetime import UTC, datetime

from platform_core.db.types import utcnow
from platform_core.delivery import sender
from platform_core.delivery.outbox import send_reply
from platform_core.extensions import db
from platform_core.zalo.backoff import CAP_SECONDS, retry_delay
from platform_core.zalo.client_registry import zalo_client
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


def queued_reply(tenant, user_id):
    with as_tenant(tenant):
        notification = send_reply(user_id, "Xin chào", idempotency_key=f"backoff-{user_id}")
        db.session.flush()
        [delivery] = notification.deliveries
        delivery.state, delivery.attempts = "sending", 1
        return delivery


def test_a_send_hit_by_minus_32_waits_until_just_after_the_minute(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Vũ Minh Châu", last_interaction="now")
    sandbox.inject_fault(path="/message/cs", error=-32)
    delivery = queued_reply(tenant_a, citizen["user_id"])
    now = utcnow()
    with as_tenant(tenant_a):
        assert sender.send(delivery, zalo_client(), now) == "pending"
        wait = (delivery.next_attempt_at - now).total_seconds()
    assert delivery.error_code == -32 and 0 < wait <= 63


def test_a_citizen_outside_every_window_fails_with_zalos_code(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Hồ Thị Lan", last_interaction=None)
    delivery = queued_reply(tenant_a, citizen["user_id"])
    with as_tenant(tenant_a):
        assert sender.send(delivery, zalo_client()) == "failed"
    assert delivery.error_code == -232
