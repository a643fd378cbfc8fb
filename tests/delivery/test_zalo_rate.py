"""The OA's rate follows what Zalo says (issue 13, part 6; delivery/zalo_rate.py): the allowance its answers state
(`X-RateLimit-Limit`) caps the configured rate, each minute of -32 halves it for a quarter of an hour, and the pump
claims within it."""

import time
import uuid

from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.types import utcnow
from platform_core.delivery import batch, pump, zalo_rate
from platform_core.delivery.constants import CLASS_TX
from platform_core.delivery.outbox import send_reply
from platform_core.delivery.policy import Limits, limits_of_all
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_ZALO_TX
from tests.conftest import as_tenant
from tests.delivery.support import queue_replies
from tests.zalo.conftest import connect_to_sandbox, sandbox  # noqa: F401 - the fixture

DEFAULT = Limits(3000, 100, None)  # delivery/constants.py


def oa_limits(tenant) -> Limits:
    """As the pump reads them, across tenants."""
    with cross_tenant(pump.PUMP_ACCESS, audit=False):
        return limits_of_all({tenant.id: False})[tenant.id][CLASS_TX]


def rate_at(tenant, now: float) -> int:
    return zalo_rate.said_of([tenant.id], now)[tenant.id].per_minute(DEFAULT.per_minute)


def test_until_zalo_says_something_the_configured_limits_hold(tenant_a):
    zalo_rate.observe({tenant_a.id: (None, False)})
    assert oa_limits(tenant_a) == DEFAULT


def test_a_stated_allowance_below_the_rate_caps_it_and_one_stated_higher_lifts_it_up_to_the_configured(tenant_a):
    zalo_rate.observe({tenant_a.id: (120, False)})
    assert oa_limits(tenant_a) == Limits(120, 4, None)  # a burst of two seconds' worth
    zalo_rate.observe({tenant_a.id: (8000, False)})
    assert oa_limits(tenant_a) == DEFAULT


def test_each_minute_of_minus_32_halves_the_rate_for_a_quarter_of_an_hour(tenant_a):
    start = time.time()
    zalo_rate.observe({tenant_a.id: (120, True)}, now=start)
    zalo_rate.observe({tenant_a.id: (120, True)}, now=start + 30)  # the same minute of Zalo's count
    assert rate_at(tenant_a, start + 30) == 60
    zalo_rate.observe({tenant_a.id: (None, True)}, now=start + 61)  # an answer without the headers
    assert rate_at(tenant_a, start + 61) == 30
    assert rate_at(tenant_a, start + 61 + zalo_rate.CUT_SECONDS) == 120


def test_minus_32_without_an_allowance_halves_the_configured_rate(tenant_a, tenant_b):
    zalo_rate.observe({tenant_a.id: (None, True)})
    assert oa_limits(tenant_a) == Limits(1500, 50, None)
    assert oa_limits(tenant_b) == DEFAULT


def test_several_oas_observed_at_once_each_keep_what_their_own_answers_said(tenant_a, tenant_b):
    """A wave's provinces are observed together (one MGET, one pipelined write): no OA gets another's figures."""
    zalo_rate.observe({tenant_a.id: (120, False), tenant_b.id: (None, True)})
    assert oa_limits(tenant_a) == Limits(120, 4, None)
    assert oa_limits(tenant_b) == Limits(1500, 50, None)


def test_the_pump_claims_within_zalos_allowance(tenant_a):
    open_queue(QUEUE_ZALO_TX).empty()
    zalo_rate.observe({tenant_a.id: (60, False)})
    queue_replies(tenant_a, 10)
    assert pump.tick() == {"tx": 2}
    open_queue(QUEUE_ZALO_TX).empty()


def test_a_batch_reads_the_allowance_from_zalos_answers_and_a_minus_32_cuts_it(sandbox, tenant_a):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    sandbox.set_rate_limit(600, app_id=seeded.app_id)
    citizen = sandbox.add_user(seeded.app_id, display_name="Lý Thu Trang", last_interaction="now")
    sent = deliver_replies(tenant_a, citizen["user_id"], 2, "first")
    assert sent == {"sent": 2}
    assert zalo_rate.said_of([tenant_a.id])[tenant_a.id].allowance == 600
    assert oa_limits(tenant_a).per_minute == 600

    sandbox.inject_fault(path="/message/cs", error=-32)
    assert deliver_replies(tenant_a, citizen["user_id"], 1, "second") == {"pending": 1}
    assert oa_limits(tenant_a).per_minute == 300


def deliver_replies(tenant, user_id: str, count: int, prefix: str) -> dict:
    token = uuid.uuid4().hex
    with as_tenant(tenant):
        for n in range(count):
            send_reply(user_id, f"Tin {n}", idempotency_key=f"{prefix}-{n}")
        db.session.flush()
        pump.claim(token, CLASS_TX, 100, utcnow())
        return batch.deliver(token)
