"""Per-tenant limits measured at the sandbox, and fairness between tenants, with real pump and workers."""

import time

import pytest
from sqlalchemy import func, select

from platform_core.delivery.constants import DELIVERED, SEEN, SENT
from platform_core.delivery.models import Delivery
from platform_core.delivery.outbox import send_reply
from platform_core.delivery.policy import set_limits
from platform_core.delivery.pump import MAX_INFLIGHT_BATCHES
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_ZALO_TX
from tests.pipeline.stack import add_province

pytestmark = pytest.mark.alone  # asserts a wait of under 3 s: tests/parallel.py

PER_MINUTE = 120  # 2 a second


def queue_replies(stack, slug, user_id, count, prefix):
    with stack.app.app_context(), stack.in_tenant(slug):
        for n in range(count):
            send_reply(user_id, f"Tin nhắn {prefix} {n}", idempotency_key=f"{prefix}-{n}")
        db.session.commit()
        db.session.remove()


def sent_count(stack, slug) -> int:
    with stack.reading(slug) as session:
        return session.scalar(select(func.count()).select_from(Delivery).where(
            Delivery.state.in_((SENT, DELIVERED, SEEN))))


def queued_jobs(stack) -> int:
    with stack.app.app_context():
        return open_queue(QUEUE_ZALO_TX).count


def test_a_capped_tenant_is_paced_and_does_not_delay_another(stack, zalo_sandbox):
    slow = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    other = add_province(stack, zalo_sandbox, "da-nang", "Đà Nẵng")
    zalo_sandbox.settings(receipt_delay_ms=0, echo_sends=False)
    zalo_sandbox.set_rate_limit(PER_MINUTE, app_id=slow.app_id)  # Zalo itself would answer -32 past this
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        set_limits("tx", per_minute=PER_MINUTE, burst=1)
        db.session.commit()
        db.session.remove()
    slow_citizen = zalo_sandbox.add_user(slow.app_id, display_name="Đặng Văn Hùng", last_interaction="now")
    other_citizen = zalo_sandbox.add_user(other.app_id, display_name="Mai Thị Thu", last_interaction="now")
    queue_replies(stack, "bac-ninh", slow_citizen["user_id"], 40, "backlog")
    stack.start_workers(2)
    stack.start_pump()
    zalo_sandbox.wait_for(lambda: sent_count(stack, "bac-ninh") >= 5, timeout=30)

    queued_at, depths = time.monotonic(), []
    queue_replies(stack, "da-nang", other_citizen["user_id"], 10, "fresh")
    zalo_sandbox.wait_for(lambda: depths.append(queued_jobs(stack)) or sent_count(stack, "da-nang") >= 1, timeout=30)
    other_waited = time.monotonic() - queued_at
    zalo_sandbox.wait_for(lambda: sent_count(stack, "da-nang") == 10, timeout=30)
    zalo_sandbox.wait_for(lambda: sent_count(stack, "bac-ninh") >= 25, timeout=60)

    sends = sorted(m["sent_ms"] for m in zalo_sandbox.messages(oa_id=slow.oa_id))
    for start in sends:  # in every 10-second window: at most 2 a second, plus the burst of 1
        assert len([s for s in sends if start <= s < start + 10_000]) <= PER_MINUTE // 6 + 1
    refused = [r for r in zalo_sandbox.requests(path_contains="/message/cs")
               if '"error":-32' in str(r.get("response", "")).replace(" ", "")]
    assert refused == []
    # The capped province holds at most its in-flight batches in the shared queue, so the other province's
    # batch waits behind two jobs at most, not behind its backlog. (All ten then go one after the other to the
    # one citizen, in order: that part measures SQLite's single writer, not fairness.)
    assert max(depths) <= MAX_INFLIGHT_BATCHES + 1, f"jobs queued: {depths}"
    assert other_waited < 3, f"the other province's first message waited {other_waited:.1f}s"
