"""The API keys page: a key is shown once, revoked after confirmation, both audited; admins only."""

import re

from sqlalchemy import select

from platform_core.apikeys import service
from platform_core.apikeys.models import ApiKey
from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from tests import factories
from tests.auth.support import csrf_token_from
from tests.conftest import CANARY, as_tenant
from tests.console import support
from tests.console.support import text_of

admin_a, officer_a, csrf_on = support.admin_a, support.officer_a, support.csrf_on  # the console's fixtures

URL = "/bac-ninh/admin/api-keys/"
KEY = re.compile(r"motcua_(live|test)_[0-9a-f]{32}_[A-Za-z0-9_-]{43}")


def keys_of(tenant) -> list[ApiKey]:
    db.session.expire_all()  # as the requests left them
    with as_tenant(tenant):
        return list(db.session.scalars(select(ApiKey)))


def b_key(tenant_b) -> ApiKey:
    with as_tenant(tenant_b):
        key, _ = factories.create_api_key(f"Khóa {CANARY}")
    return key


def test_a_new_key_is_shown_once_and_works(admin_a, tenant_a, caplog):
    caplog.set_level("DEBUG")
    response = admin_a.client.post(URL, data={"name": "Một cửa tỉnh", "kind": "live"})
    plaintext = KEY.search(text_of(response)).group(0)
    assert response.headers["Cache-Control"] == "no-store"
    [key] = keys_of(tenant_a)
    assert (key.name, key.kind, key.created_by_id) == ("Một cửa tỉnh", "live", admin_a.user.id)
    with as_tenant(tenant_a):
        assert service.authenticate(plaintext).id == key.id
    again = text_of(admin_a.client.get(URL))
    assert "Một cửa tỉnh" in again and key.display_prefix in again
    assert plaintext not in again and KEY.search(again) is None
    assert all(plaintext not in record.getMessage() for record in caplog.records)


def test_creating_and_revoking_are_audited_without_the_key(admin_a, tenant_a):
    plaintext = KEY.search(text_of(admin_a.client.post(URL, data={"name": "CI", "kind": "test"}))).group(0)
    [key] = keys_of(tenant_a)
    admin_a.client.post(f"{URL}{key.id}/revoke")
    with as_tenant(tenant_a):
        events = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.created_at)))
    assert [event.action for event in events] == ["api_key_created", "api_key_revoked"]
    assert all(event.actor_id == admin_a.user.id and event.target_id == str(key.id) for event in events)
    assert all(plaintext not in str(event.details) and key.secret_hash not in str(event.details) for event in events)


def test_a_key_is_revoked_only_after_confirmation(admin_a, tenant_a):
    with as_tenant(tenant_a):
        key, plaintext = factories.create_api_key("Hệ thống cũ")
    confirm = admin_a.client.get(f"{URL}{key.id}/revoke")
    assert confirm.status_code == 200 and "Hệ thống cũ" in text_of(confirm)
    assert keys_of(tenant_a)[0].revoked_at is None
    assert admin_a.client.post(f"{URL}{key.id}/revoke").status_code == 302
    assert keys_of(tenant_a)[0].is_revoked
    with as_tenant(tenant_a):
        assert service.authenticate(plaintext) is None
    assert admin_a.client.get(f"{URL}{key.id}/revoke").status_code == 404  # nothing left to revoke


def test_a_nameless_key_is_a_form_error(admin_a, tenant_a):
    response = admin_a.client.post(URL, data={"name": "  ", "kind": "live"})
    assert response.status_code == 200 and "field__error" in text_of(response)
    assert keys_of(tenant_a) == []


def test_officers_get_404_on_the_page_and_every_action(officer_a, tenant_a):
    with as_tenant(tenant_a):
        key, _ = factories.create_api_key()
    assert officer_a.client.get(URL).status_code == 404
    assert officer_a.client.post(URL, data={"name": "x", "kind": "live"}).status_code == 404
    assert officer_a.client.get(f"{URL}{key.id}/revoke").status_code == 404
    assert officer_a.client.post(f"{URL}{key.id}/revoke").status_code == 404
    assert [k.is_revoked for k in keys_of(tenant_a)] == [False]


def test_another_provinces_keys_are_404_and_never_listed(admin_a, tenant_b):
    key = b_key(tenant_b)
    assert CANARY not in text_of(admin_a.client.get(URL))
    assert admin_a.client.get(f"{URL}{key.id}/revoke").status_code == 404
    assert admin_a.client.post(f"{URL}{key.id}/revoke").status_code == 404
    assert admin_a.client.get("/da-nang/admin/api-keys/").status_code == 404
    assert admin_a.client.post(f"/da-nang/admin/api-keys/{key.id}/revoke").status_code == 404
    assert [k.is_revoked for k in keys_of(tenant_b)] == [False]


def test_changes_without_the_csrf_token_are_400(admin_a, tenant_a, csrf_on):
    with as_tenant(tenant_a):
        key, _ = factories.create_api_key()
    assert admin_a.client.post(URL, data={"name": "x", "kind": "live"}).status_code == 400
    assert admin_a.client.post(f"{URL}{key.id}/revoke").status_code == 400
    assert len(keys_of(tenant_a)) == 1 and not keys_of(tenant_a)[0].is_revoked
    token = csrf_token_from(text_of(admin_a.client.get(f"{URL}{key.id}/revoke")))
    assert admin_a.client.post(f"{URL}{key.id}/revoke", data={"csrf_token": token}).status_code == 302


def test_keys_are_labelled_real_or_test_and_in_use_and_the_new_one_has_a_copy_button(admin_a, tenant_a):
    created = text_of(admin_a.client.post(URL + "?lang=vi", data={"name": "Một cửa tỉnh", "kind": "live"}))
    assert 'data-copy-target="new-key"' in created and "Sao chép khoá" in created and "js/copy.js" in created
    admin_a.client.post(URL, data={"name": "Thử nghiệm", "kind": "test"})
    page = text_of(admin_a.client.get(URL + "?lang=vi"))
    assert "Khoá thật: gửi tin thật tới người dân" in page and "Khoá thử: tin được mô phỏng" in page
    assert "Đang hoạt động" not in page  # a province's status, not a key's
    assert page.count("Đang dùng") == 2 and "data-copy-target" not in page  # the key is shown only once
