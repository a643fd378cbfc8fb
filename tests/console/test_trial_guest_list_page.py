"""The guest list page (/<slug>/admin/guest-list/): admins add and remove people, every change audited;
officers and other provinces' admins get 404."""

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.delivery.models import GuestListEntry
from platform_core.extensions import db
from tests import factories
from tests.auth.support import csrf_token_from, isolated_client, sign_in
from tests.conftest import as_tenant

URL = "/bac-ninh/admin/guest-list/"


def signed_in(app, email, tenant, role):
    factories.create_user(email, tenant=tenant, role=role)
    client = isolated_client(app)
    assert sign_in(client, email).status_code == 302
    client.get("/?lang=en")  # messages asserted in English: the Vietnamese catalogue is filled at merge time
    return client


@pytest.fixture
def admin(app, tenant_a):
    return signed_in(app, "guests-admin@bac-ninh.vn", tenant_a, "admin")


def entries(tenant) -> list[GuestListEntry]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(GuestListEntry)))


def audit_actions(tenant) -> list[str]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.created_at)))


def test_an_admin_adds_a_guest_by_phone_normalised_and_sees_them_listed(admin, tenant_a):
    response = admin.post(URL, data={"label": "Chị Hoa", "phone": "0912 345 678"})
    assert response.status_code == 302
    [entry] = entries(tenant_a)
    assert (entry.label, entry.phone_e164, entry.zalo_user_id) == ("Chị Hoa", "+84912345678", None)
    page = admin.get(URL).get_data(as_text=True)
    assert "Chị Hoa" in page and "+84912345678" in page
    assert "guest_list_added" in audit_actions(tenant_a)


def test_an_admin_adds_a_guest_by_zalo_user_id(admin, tenant_a):
    admin.post(URL, data={"label": "Anh Quân", "zalo_user_id": "8000042"})
    assert [entry.zalo_user_id for entry in entries(tenant_a)] == ["8000042"]


@pytest.mark.parametrize(("data", "message"), [
    ({"label": "", "phone": "0912345678"}, "Enter a name"),
    ({"label": "Không địa chỉ"}, "Enter a Zalo user id or a mobile number."),
    ({"label": "Máy bàn", "phone": "024 3825 1234"}, "Enter a Vietnamese mobile number"),
    ({"label": "Chữ", "zalo_user_id": "abc"}, "A Zalo user id has digits only."),
])
def test_bad_entries_are_shown_in_the_form_and_nothing_is_saved(admin, tenant_a, data, message):
    response = admin.post(URL, data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert entries(tenant_a) == []


def test_the_same_person_twice_is_refused(admin, tenant_a):
    admin.post(URL, data={"label": "Chị Hoa", "phone": "0912345678"})
    response = admin.post(URL, data={"label": "Hoa lần hai", "phone": "+84 912 345 678"})
    assert "Already on the guest list." in response.get_data(as_text=True)
    assert len(entries(tenant_a)) == 1


def test_an_admin_removes_a_guest(admin, tenant_a):
    admin.post(URL, data={"label": "Chị Hoa", "phone": "0912345678"})
    [entry] = entries(tenant_a)
    assert admin.post(f"{URL}{entry.id}/remove").status_code == 302
    assert entries(tenant_a) == []
    assert audit_actions(tenant_a)[-1] == "guest_list_removed"


def test_officers_get_404(app, tenant_a):
    officer = signed_in(app, "guests-officer@bac-ninh.vn", tenant_a, "officer")
    assert officer.get(URL).status_code == 404
    assert officer.post(URL, data={"label": "X", "phone": "0912345678"}).status_code == 404
    assert entries(tenant_a) == []


def test_another_provinces_admin_gets_404_and_cannot_remove_our_entries(app, admin, tenant_a, tenant_b):
    admin.post(URL, data={"label": "Chị Hoa", "phone": "0912345678"})
    [entry] = entries(tenant_a)
    other = signed_in(app, "guests-admin@da-nang.vn", tenant_b, "admin")
    assert other.get(URL).status_code == 404
    assert other.post(f"{URL}{entry.id}/remove").status_code == 404
    assert other.post(f"/da-nang/admin/guest-list/{entry.id}/remove").status_code == 404
    assert len(entries(tenant_a)) == 1


def test_without_the_csrf_token_a_change_is_refused(app, admin, tenant_a, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert admin.post(URL, data={"label": "Chị Hoa", "phone": "0912345678"}).status_code == 400
    token = csrf_token_from(admin.get(URL).get_data(as_text=True))
    assert admin.post(URL, data={"label": "Chị Hoa", "phone": "0912345678", "csrf_token": token}).status_code == 302
