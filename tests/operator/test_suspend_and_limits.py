"""Suspending and resuming a tenant (with a reason), and its sending limits per message class."""

import pytest

from platform_core.delivery import zalo_rate
from platform_core.delivery.policy import limits_for
from platform_core.extensions import db
from platform_core.tenancy.models import TenantHistory
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.operator.conftest import platform_events


def status_changes(tenant) -> list[tuple]:
    db.session.expire_all()
    return [(h.old_value, h.new_value, h.note) for h in
            db.session.query(TenantHistory).filter_by(tenant_id=tenant.id, change="status")
            .order_by(TenantHistory.recorded_at, TenantHistory.id)]


def test_suspend_then_resume_returns_to_the_status_before(operator_client, operator, tenant_a):
    tenant_a.status = "trial"
    db.session.flush()
    assert operator_client.post("/operator/tenants/bac-ninh/suspend",
                                data={"reason": "Spam complaints"}).status_code == 302
    db.session.refresh(tenant_a)
    assert tenant_a.status == "suspended"
    page = operator_client.get("/operator/tenants/bac-ninh").get_data(as_text=True)
    assert "before the suspension: Trial" in page and "Resume the province" in page

    assert operator_client.post("/operator/tenants/bac-ninh/resume",
                                data={"reason": "Resolved with the province"}).status_code == 302
    db.session.refresh(tenant_a)
    assert tenant_a.status == "trial"  # not live: the suspension found it in trial
    assert status_changes(tenant_a) == [("trial", "suspended", "Spam complaints"),
                                        ("suspended", "trial", "Resolved with the province")]
    events = platform_events("tenant_status_changed")
    assert [(e.details["from"], e.details["to"], e.details["reason"], e.actor_id) for e in events] == [
        ("trial", "suspended", "Spam complaints", operator.id),
        ("suspended", "trial", "Resolved with the province", operator.id)]


def test_a_suspended_tenant_is_no_longer_served(operator_client, tenant_a, client):
    operator_client.post("/operator/tenants/bac-ninh/suspend", data={"reason": "Incident"})
    assert client.get("/bac-ninh/").status_code == 404


def test_suspending_needs_a_reason(operator_client, tenant_a):
    response = operator_client.post("/operator/tenants/bac-ninh/suspend", data={"reason": " "})
    assert response.status_code == 200
    assert "Give a reason." in response.get_data(as_text=True)
    db.session.refresh(tenant_a)
    assert tenant_a.status == "live" and platform_events("tenant_status_changed") == []


def test_resuming_a_tenant_that_is_not_suspended_is_refused(operator_client, tenant_a):
    response = operator_client.post("/operator/tenants/bac-ninh/resume", data={"reason": "why not"})
    assert "This change is not possible from the status Live." in response.get_data(as_text=True)
    assert platform_events("tenant_status_changed") == []


def test_an_unknown_tenant_is_404(operator_client):
    assert operator_client.get("/operator/tenants/atlantis").status_code == 404
    assert operator_client.post("/operator/tenants/atlantis/suspend", data={"reason": "x"}).status_code == 404


def test_the_tenant_page_shows_the_limits_and_is_an_audited_read(operator_client, tenant_a):
    page = operator_client.get("/operator/tenants/bac-ninh").get_data(as_text=True)
    assert 'name="tx-per_minute"' in page and 'value="3000"' in page  # the defaults
    assert 'name="bulk-per_minute"' in page and 'value="600"' in page
    [event] = platform_events("cross_tenant_access")
    assert event.details["reason"] == "operator console: tenant page: bac-ninh"


def test_the_tenant_page_says_when_zalo_holds_the_oa_below_its_limits(operator_client, tenant_a, tenant_b):
    """Zalo stated 120 requests a minute, then answered -32: sending goes at 60 (delivery/zalo_rate.py)."""
    zalo_rate.observe({tenant_a.id: (120, True)})
    page = text_of(operator_client.get("/operator/tenants/bac-ninh?lang=en"))
    assert "Zalo says the app of this OA may make 120 requests a minute" in page
    assert "error -32" in page and "Messages are sent at 60 a minute instead of 3000." in page
    assert 'value="3000"' in operator_client.get("/operator/tenants/bac-ninh").get_data(as_text=True)  # as set
    assert "Zalo says" not in text_of(operator_client.get("/operator/tenants/da-nang?lang=en"))


def test_setting_limits_is_saved_and_audited(operator_client, operator, tenant_a):
    response = operator_client.post("/operator/tenants/bac-ninh/limits/bulk", data={
        "bulk-per_minute": "120", "bulk-burst": "10", "bulk-daily_cap": "500"})
    assert response.status_code == 302
    with as_tenant(tenant_a):
        limits = limits_for("bulk")
        assert (limits.per_minute, limits.burst, limits.daily_cap) == (120, 10, 500)
        assert limits_for("tx").per_minute == 3000
    [event] = platform_events("rate_limits_changed")
    assert event.actor_id == operator.id and event.details == {
        "tenant": "bac-ninh", "class": "bulk",
        "from": {"per_minute": 600, "burst": 20, "daily_cap": None},
        "to": {"per_minute": 120, "burst": 10, "daily_cap": 500},
    }


def test_an_empty_daily_cap_removes_it(operator_client, tenant_a):
    operator_client.post("/operator/tenants/bac-ninh/limits/tx",
                         data={"tx-per_minute": "100", "tx-burst": "10", "tx-daily_cap": "50"})
    operator_client.post("/operator/tenants/bac-ninh/limits/tx",
                         data={"tx-per_minute": "100", "tx-burst": "10", "tx-daily_cap": ""})
    with as_tenant(tenant_a):
        assert limits_for("tx").daily_cap is None


@pytest.mark.parametrize(("values", "message"), [
    ({"tx-per_minute": "0", "tx-burst": "1"}, "Enter a number from 1 to 4000."),
    ({"tx-per_minute": "4001", "tx-burst": "1"}, "Enter a number from 1 to 4000."),
    ({"tx-per_minute": "1.5", "tx-burst": "1"}, "Enter a whole number, without dots, commas or spaces."),
    ({"tx-per_minute": "abc", "tx-burst": "1"}, "Enter a whole number, without dots, commas or spaces."),
    ({"tx-per_minute": "", "tx-burst": "1"}, "Enter a number."),
    ({"tx-per_minute": "100", "tx-burst": "101"}, "The burst cannot be larger than the rate per minute."),
    ({"tx-per_minute": "100", "tx-burst": "10", "tx-daily_cap": "-1"}, "Enter a number from 0 to 5760000."),
])
def test_invalid_limits_are_shown_in_the_form_and_nothing_changes(operator_client, tenant_a, values, message):
    response = operator_client.post("/operator/tenants/bac-ninh/limits/tx", data=values)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with as_tenant(tenant_a):
        assert limits_for("tx").per_minute == 3000
    assert platform_events("rate_limits_changed") == []


def test_an_unknown_message_class_is_404(operator_client, tenant_a):
    response = operator_client.post("/operator/tenants/bac-ninh/limits/promo",
                                    data={"promo-per_minute": "1", "promo-burst": "1"})
    assert response.status_code == 404


def test_a_tenant_suspended_while_invited_is_resumed_to_invited(operator_client, tenant_a):
    tenant_a.status = "invited"
    db.session.flush()
    operator_client.post("/operator/tenants/bac-ninh/suspend", data={"reason": "Wrong contact"})
    operator_client.post("/operator/tenants/bac-ninh/resume", data={"reason": "Fixed"})
    db.session.refresh(tenant_a)
    assert tenant_a.status == "invited"
