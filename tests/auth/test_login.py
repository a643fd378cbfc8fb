"""Signing in with a password: where users land, what failures look like, and the session it creates."""

import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.auth.passwords import needs_rehash, verify_password
from tests import factories
from tests.auth.support import add_membership, sign_in

WRONG_CREDENTIALS_VI = "Email hoặc mật khẩu không đúng."


def test_login_page_is_a_form_with_labelled_fields(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<label class="field__label" for="email">Email</label>' in html
    assert '<label class="field__label" for="password">Mật khẩu</label>' in html
    assert 'autocomplete="current-password"' in html


def test_admin_of_one_province_lands_on_that_province(client, tenant_a):
    factories.create_user("lan@bacninh.gov.vn", tenant=tenant_a, role="admin")
    response = sign_in(client, "lan@bacninh.gov.vn")
    assert response.status_code == 302
    assert response.headers["Location"] == "/bac-ninh/admin/"
    assert "Nguyễn Văn A" in client.get("/").get_data(as_text=True)


def test_operator_lands_on_the_platform_page(client, tenant_a):
    factories.create_user("ops@motcua.vn", operator=True)
    assert sign_in(client, "ops@motcua.vn").headers["Location"] == "/"


def test_member_of_two_provinces_lands_on_the_list(client, tenant_a, tenant_b):
    user = factories.create_user("hai@motcua.vn", tenant=tenant_a, role="officer")
    add_membership(user, tenant_b, "admin")
    assert sign_in(client, "hai@motcua.vn").headers["Location"] == "/"


def test_email_is_matched_case_insensitively(client, tenant_a):
    factories.create_user("hoa@bacninh.gov.vn", tenant=tenant_a)
    assert sign_in(client, "  Hoa@BacNinh.gov.vn ").status_code == 302


def test_wrong_password_and_unknown_email_answer_the_same(client, tenant_a):
    factories.create_user("binh@bacninh.gov.vn", tenant=tenant_a)
    wrong_password = sign_in(client, "binh@bacninh.gov.vn", "not-the-password-at-all")
    unknown_email = sign_in(client, "nobody@bacninh.gov.vn", "not-the-password-at-all")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert _page_without_values(wrong_password) == _page_without_values(unknown_email)
    assert WRONG_CREDENTIALS_VI in wrong_password.get_data(as_text=True)


def _page_without_values(response) -> str:
    """The page minus attribute values (the echoed email, the CSRF token): nothing else may differ."""
    return re.sub(r'value="[^"]*"', "", response.get_data(as_text=True))


def test_failed_login_keeps_the_email_but_never_echoes_the_password(client):
    html = sign_in(client, "kim@motcua.vn", "secret-attempt-123").get_data(as_text=True)
    assert 'value="kim@motcua.vn"' in html
    assert "secret-attempt-123" not in html


def test_empty_form_shows_field_errors(client):
    html = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Vui lòng nhập địa chỉ email." in html
    assert "Vui lòng nhập mật khẩu." in html
    assert 'aria-invalid="true"' in html


def test_inactive_user_cannot_sign_in(client, db_session):
    user = factories.create_user("nghi@motcua.vn")
    user.active = False
    db_session.flush()
    response = sign_in(client, "nghi@motcua.vn")
    assert WRONG_CREDENTIALS_VI in response.get_data(as_text=True)


def test_outdated_password_hash_is_upgraded_at_login(client, db_session):
    user = factories.create_user("cu@motcua.vn")
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=64, parallelism=2).hash(factories.DEFAULT_PASSWORD)
    old_hash = user.password_hash
    db_session.flush()
    assert sign_in(client, "cu@motcua.vn").status_code == 302
    db_session.refresh(user)
    assert user.password_hash != old_hash
    assert not needs_rehash(user.password_hash)
    assert verify_password(user.password_hash, factories.DEFAULT_PASSWORD)


def test_login_starts_a_new_session_keeping_only_the_language(client):
    factories.create_user("moi@motcua.vn")
    client.get("/login?lang=en")
    with client.session_transaction() as session:
        session["planted_by_attacker"] = "x"
    sign_in(client, "moi@motcua.vn")
    with client.session_transaction() as session:
        assert "planted_by_attacker" not in session
        assert session["lang"] == "en"
        assert session["_user_id"]


@pytest.mark.parametrize("target", ["/da-nang/", "/account/2fa/setup?x=1"])
def test_next_is_followed_when_it_is_a_local_path(client, target):
    factories.create_user("tiep@motcua.vn")
    response = client.post(f"/login?next={target}", data={"email": "tiep@motcua.vn", "password":
                                                        factories.DEFAULT_PASSWORD, "next": target})
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)",
    "/ok\r\nSet-Cookie: x=1", "http:/evil.example", "",
])
def test_next_to_another_site_is_refused(client, target):
    factories.create_user("redirect@motcua.vn", operator=True)
    response = client.post("/login", data={
        "email": "redirect@motcua.vn", "password": factories.DEFAULT_PASSWORD, "next": target,
    })
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_from_the_login_url_survives_the_form(client):
    html = client.get("/login?next=/da-nang/").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/da-nang/"' in html


def test_signed_in_user_visiting_login_is_sent_on(client):
    factories.create_user("da-vao@motcua.vn", operator=True)
    sign_in(client, "da-vao@motcua.vn")
    assert client.get("/login").headers["Location"] == "/"


def test_protected_page_sends_anonymous_visitors_to_login_with_next(client):
    response = client.get("/account/2fa/setup")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_signs_out_and_is_post_only(client, db_session):
    user = factories.create_user("ra@motcua.vn")
    sign_in(client, "ra@motcua.vn")
    client.get("/logout", follow_redirects=True)
    assert "Đang đăng nhập: Nguyễn Văn A" in client.get("/").get_data(as_text=True)
    response = client.post("/logout", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Bạn đã đăng xuất." in html
    assert "Đang đăng nhập" not in html
    with client.session_transaction() as session:
        assert "_user_id" not in session
    logout = db_session.scalar(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "logout"))
    assert logout.actor_id == user.id
