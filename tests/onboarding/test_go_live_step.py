"""Setup step 7 (/<slug>/setup/go-live): the checklist computed live with a link to fix each item; the request
only when all pass (pending, snapshot, requester, onboarding -> trial, audited); a pending request shown; an
operator's refusal shown with its reason and the request made again."""

import pytest
from sqlalchemy import select, update

from platform_core.audit.models import AuditEvent, PlatformAuditEvent
from platform_core.catalogue.models import Procedure
from platform_core.db.types import utcnow
from platform_core.delivery.constants import SENT
from platform_core.delivery.outbox import send_reply
from platform_core.extensions import db
from platform_core.onboarding import golive_request, wizard
from platform_core.onboarding.models import GoLiveRequest
from platform_core.zalo.connection import get_connection
from tests import factories
from tests.conftest import as_tenant
from tests.delivery.trial_support import link_follower
from tests.onboarding.wizard_support import setting_up, signed_in
from tests.zalo.conftest import connect

URL = "/bac-ninh/setup/go-live"
FIXES = ("/bac-ninh/setup/zalo", "/bac-ninh/setup/test-message", "/bac-ninh/admin/team",
         "/bac-ninh/setup/catalogue", "/bac-ninh/setup/templates")


@pytest.fixture
def admin(app, tenant_a):
    setting_up(tenant_a)
    return signed_in(app, "setup-golive@bac-ninh.vn", tenant_a)


def complete_the_checklist(tenant, user) -> None:
    """Everything the other steps leave behind: connected, test message sent, a second admin, procedures
    (tenant A's seed has two), templates reviewed."""
    connect(tenant)
    follower = link_follower(tenant, "8000777", user)
    factories.create_user("second-admin@bac-ninh.vn", tenant=tenant, role="admin")
    with as_tenant(tenant):
        notification = send_reply(follower.zalo_user_id, "Tin nhắn thử", idempotency_key="golive-test")
        db.session.flush()
        notification.deliveries[0].state = SENT
        progress = wizard.progress()
        progress.test_notification_id, progress.templates_reviewed_at = notification.id, utcnow()
        db.session.flush()


def checks(tenant) -> dict:
    with as_tenant(tenant):
        return {check.key: check.passed for check in golive_request.checklist()}


def status_of(tenant) -> str:
    db.session.refresh(tenant)  # changed by the request, in its own session
    return tenant.status


def requests(tenant) -> list[GoLiveRequest]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(GoLiveRequest).order_by(GoLiveRequest.requested_at)))


def test_a_new_province_sees_what_is_missing_with_a_link_to_fix_each(admin, tenant_a):
    client, _ = admin
    page = client.get(URL).get_data(as_text=True)
    assert all(fix in page for fix in FIXES[:3]) and FIXES[4] in page
    assert "Request go-live</button>" not in page and "once every item of the checklist is done" in page
    assert checks(tenant_a) == {"zalo_connected": False, "test_message_delivered": False, "two_admins": False,
                                "catalogue_not_empty": True, "templates_reviewed": False}


def test_requesting_before_the_checklist_passes_is_refused(admin, tenant_a):
    client, _ = admin
    page = client.post(URL, follow_redirects=True).get_data(as_text=True)
    assert "Complete every item of the checklist first." in page
    assert requests(tenant_a) == [] and status_of(tenant_a) == "onboarding"


def test_the_checklist_is_computed_live(admin, tenant_a):
    _, user = admin
    complete_the_checklist(tenant_a, user)
    assert all(checks(tenant_a).values())
    with as_tenant(tenant_a):
        get_connection().status = "reconnect_needed"
        db.session.execute(update(Procedure).values(enabled=False))
        db.session.flush()
    assert not checks(tenant_a)["zalo_connected"] and not checks(tenant_a)["catalogue_not_empty"]


def test_a_failed_test_message_does_not_count(admin, tenant_a):
    _, user = admin
    complete_the_checklist(tenant_a, user)
    with as_tenant(tenant_a):
        golive_request.connectivity.latest_delivery().state = "failed"
        db.session.flush()
    assert not checks(tenant_a)["test_message_delivered"]


def test_when_everything_passes_the_request_is_recorded_and_the_province_enters_trial(admin, tenant_a):
    client, user = admin
    complete_the_checklist(tenant_a, user)
    assert "Request go-live</button>" in client.get(URL).get_data(as_text=True)
    page = client.post(URL, follow_redirects=True).get_data(as_text=True)
    assert "Go-live requested" in page and "is waiting for an operator" in page and "Trần Thị Mai" in page
    assert 'href="/bac-ninh/admin/">Go to the console</a>' in page  # the wizard hands over to the console
    [request] = requests(tenant_a)
    assert (request.status, request.requested_by_id) == ("pending", user.id)
    assert request.checklist == {"zalo_connected": True, "test_message_delivered": True, "two_admins": True,
                                 "catalogue_not_empty": True, "templates_reviewed": True}
    assert status_of(tenant_a) == "trial"
    with as_tenant(tenant_a):
        assert wizard.is_done("go_live")
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "go_live_requested"))
    changed = db.session.scalars(select(PlatformAuditEvent).where(
        PlatformAuditEvent.action == "tenant_status_changed", PlatformAuditEvent.target_id == str(tenant_a.id)))
    assert any(event.details["to"] == "trial" for event in changed)


def test_a_pending_request_is_not_made_twice(admin, tenant_a):
    client, user = admin
    complete_the_checklist(tenant_a, user)
    client.post(URL)
    page = client.post(URL, follow_redirects=True).get_data(as_text=True)
    assert "already waiting for an operator" in page and len(requests(tenant_a)) == 1


def test_a_rejection_shows_the_operators_reason_and_the_request_can_be_made_again(admin, tenant_a):
    client, user = admin
    complete_the_checklist(tenant_a, user)
    client.post(URL)
    [first] = requests(tenant_a)
    with as_tenant(tenant_a):
        first.status, first.reason, first.decided_at = "rejected", "Mẫu tin nhắn còn sai tên cơ quan.", utcnow()
        db.session.flush()
    page = client.get(URL).get_data(as_text=True)
    assert "did not approve" in page and "Mẫu tin nhắn còn sai tên cơ quan." in page and "Request go-live again" in page
    client.post(URL)
    assert [request.status for request in requests(tenant_a)] == ["rejected", "pending"]
    assert status_of(tenant_a) == "trial"


def test_a_live_province_is_told_so(admin, tenant_a):
    client, _ = admin
    tenant_a.status = "live"
    db.session.flush()
    page = client.get(URL).get_data(as_text=True)
    assert "Your province is live" in page
    assert "already live" in client.post(URL, follow_redirects=True).get_data(as_text=True)


def test_officers_and_other_provinces_admins_get_404(app, tenant_a, tenant_b):
    setting_up(tenant_a)
    officer, _ = signed_in(app, "golive-officer@bac-ninh.vn", tenant_a, role="officer")
    other, _ = signed_in(app, "golive-admin@da-nang.vn", tenant_b)
    for client in (officer, other):
        assert client.get(URL).status_code == 404
        assert client.post(URL).status_code == 404
    assert requests(tenant_a) == []
