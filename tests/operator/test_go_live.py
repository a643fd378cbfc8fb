"""Go-live requests: pending ones with their checklist; approve (live) or reject with a required reason."""

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.onboarding import golive
from platform_core.onboarding.models import GoLiveRequest
from platform_core.tenancy.models import TenantHistory
from platform_core.tenancy.service import change_status
from tests import factories
from tests.conftest import as_tenant
from tests.operator.conftest import platform_events

CHECKLIST = {"zalo_connected": True, "test_message_delivered": True, "two_admins": False,
             "catalogue_not_empty": {"ok": True, "note": "42 procedures"}}


@pytest.fixture
def trial_request(tenant_a):
    """Tenant A asked to go live (as the wizard's last step leaves it: trial, a pending request)."""
    tenant_a.status = "trial"
    with as_tenant(tenant_a):
        request = GoLiveRequest(checklist=CHECKLIST)
        db.session.add(request)
        db.session.flush()
    return request


def url(request, action: str) -> str:
    return f"/operator/go-live/bac-ninh/{request.id}/{action}"


def reload(request) -> GoLiveRequest:
    with as_tenant(factories.tenant_by_slug("bac-ninh")):
        return db.session.scalar(select(GoLiveRequest).where(GoLiveRequest.id == request.id)
                                 .execution_options(populate_existing=True))


def test_pending_requests_are_listed_with_their_checklist(operator_client, trial_request):
    page = operator_client.get("/operator/go-live?lang=en").get_data(as_text=True)
    assert "Bắc Ninh" in page
    assert "Zalo OA connected" in page and "At least two administrators" in page
    assert "Procedure catalogue not empty: 42 procedures" in page
    assert page.count("✓") == 3 and page.count("✗") == 1
    assert url(trial_request, "approve") in page and url(trial_request, "reject") in page
    assert [e.details["reason"] for e in platform_events("cross_tenant_access")] == [
        "operator console: go-live requests"]


def test_approving_makes_the_tenant_live(operator_client, operator, trial_request, tenant_a):
    response = operator_client.post(url(trial_request, "approve"))
    assert response.status_code == 302
    db.session.refresh(tenant_a)
    assert tenant_a.status == "live"
    request = reload(trial_request)
    assert (request.status, request.decided_by_id, request.reason) == ("approved", operator.id, None)
    assert request.decided_at is not None
    [event] = platform_events("go_live_approved")
    assert event.actor_id == operator.id and event.target_id == str(request.id)
    assert event.details == {"tenant": "bac-ninh"}
    assert "is live" in operator_client.get("/operator/go-live").get_data(as_text=True)


def test_rejecting_needs_a_reason(operator_client, trial_request, tenant_a):
    response = operator_client.post(url(trial_request, "reject"), data={f"{trial_request.id}-reason": "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Give a reason." in page and "<details open>" in page
    assert reload(trial_request).status == "pending"
    assert platform_events("go_live_rejected") == []


def test_rejecting_keeps_the_tenant_in_trial_with_the_reason(operator_client, operator, trial_request, tenant_a):
    reason = "Thêm một quản trị viên thứ hai, rồi gửi lại."
    response = operator_client.post(url(trial_request, "reject"), data={f"{trial_request.id}-reason": reason})
    assert response.status_code == 302
    db.session.refresh(tenant_a)
    assert tenant_a.status == "trial"
    request = reload(trial_request)
    assert (request.status, request.reason, request.decided_by_id) == ("rejected", reason, operator.id)
    [event] = platform_events("go_live_rejected")
    assert event.details == {"tenant": "bac-ninh", "reason": reason}
    assert "No request is waiting." in operator_client.get("/operator/go-live").get_data(as_text=True)
    assert reason in operator_client.get("/operator/tenants/bac-ninh").get_data(as_text=True)


def test_a_decided_request_cannot_be_decided_again(operator_client, trial_request, tenant_a):
    operator_client.post(url(trial_request, "reject"), data={f"{trial_request.id}-reason": "incomplete"})
    response = operator_client.post(url(trial_request, "approve"), follow_redirects=True)
    assert "This request was already decided." in response.get_data(as_text=True)
    db.session.refresh(tenant_a)
    assert tenant_a.status == "trial" and reload(trial_request).status == "rejected"


def test_a_tenant_suspended_since_it_asked_is_not_approved(operator_client, trial_request, tenant_a):
    change_status(tenant_a, "suspended", reason="abuse")
    db.session.flush()
    response = operator_client.post(url(trial_request, "approve"), follow_redirects=True)
    assert "Bắc Ninh is not in trial (status: Suspended); nothing was changed." in response.get_data(as_text=True)
    db.session.refresh(tenant_a)
    assert tenant_a.status == "suspended" and reload(trial_request).status == "pending"


def test_another_tenants_request_is_not_found_under_this_tenant(operator_client, trial_request, tenant_b):
    response = operator_client.post(f"/operator/go-live/da-nang/{trial_request.id}/approve", follow_redirects=True)
    assert "This request was already decided." in response.get_data(as_text=True)
    assert reload(trial_request).status == "pending"


def test_the_service_refuses_a_rejection_without_a_reason(trial_request, tenant_a, operator):
    with as_tenant(tenant_a), pytest.raises(golive.GoLiveError) as refused:
        golive.reject(trial_request, tenant_a, "", actor=operator)
    assert refused.value.field == "reason"


def test_the_checklist_and_the_history_read_in_vietnamese(operator_client, operator, trial_request, tenant_a):
    page = operator_client.get("/operator/go-live?lang=vi").get_data(as_text=True)
    assert "Đã kết nối Zalo OA" in page
    assert "Zalo connected" not in page and "zalo_connected" not in page
    operator_client.post(url(trial_request, "approve"))
    history = operator_client.get("/operator/tenants/bac-ninh?lang=vi").get_data(as_text=True)
    assert "Đơn vị vận hành đã phê duyệt chính thức hoạt động" in history and "go-live approved" not in history
    assert "Trạng thái: " in history


def test_a_merge_in_the_history_is_a_sentence(operator_client, tenant_a):
    db.session.add(TenantHistory(tenant_id=tenant_a.id, change="merge_in", old_value="Bắc Giang",
                                 new_value="Bắc Ninh", legal_ref="202/2025/QH15"))
    db.session.flush()
    page = operator_client.get("/operator/tenants/bac-ninh?lang=vi").get_data(as_text=True)
    assert "“Bắc Giang” được sáp nhập vào “Bắc Ninh” (Nghị quyết 202/2025/QH15)" in page
    assert "merge_in" not in page
