"""The TOTP second step at sign-in, single-use codes, and enrolment (voluntary or forced by REQUIRE_2FA)."""

import base64
import re
import zlib
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.auth import totp
from platform_core.auth.views import PENDING_SINCE
from tests import factories
from tests.auth.support import code_at, create_totp_user, save_recovery_codes, sign_in, sign_in_with_totp

INVALID_CODE_VI = "Mã xác thực không đúng."


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


# --- signing in with a code ---------------------------------------------------------------------------------

def test_password_alone_leaves_a_totp_user_pending_not_signed_in(client, tenant_a):
    create_totp_user("otp@bacninh.gov.vn", tenant=tenant_a, role="admin")
    response = sign_in(client, "otp@bacninh.gov.vn")
    assert response.headers["Location"] == "/login/verify"
    assert not _signed_in(client)
    assert client.get("/").get_data(as_text=True).count("Đang đăng nhập") == 0
    assert "Mã xác thực" in client.get("/login/verify").get_data(as_text=True)


def test_current_code_completes_sign_in(client, tenant_a):
    _, secret = create_totp_user("otp2@bacninh.gov.vn", tenant=tenant_a, role="admin")
    response = sign_in_with_totp(client, "otp2@bacninh.gov.vn", secret)
    assert response.headers["Location"] == "/bac-ninh/admin/"
    assert _signed_in(client)


def test_wrong_code_is_refused_and_audited(client, db_session):
    user, secret = create_totp_user("otp3@motcua.vn")
    sign_in(client, "otp3@motcua.vn")
    wrong = f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"
    response = client.post("/login/verify", data={"code": wrong})
    assert INVALID_CODE_VI in response.get_data(as_text=True)
    assert not _signed_in(client)
    event = db_session.scalar(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "totp_failed"))
    assert event.target_id == str(user.id)
    assert wrong not in str(event.details)


def test_malformed_code_is_a_field_error(client):
    create_totp_user("otp4@motcua.vn")
    sign_in(client, "otp4@motcua.vn")
    html = client.post("/login/verify", data={"code": "12ab56"}).get_data(as_text=True)
    assert "Nhập 6 chữ số trên ứng dụng xác thực, hoặc một mã khôi phục" in html


def test_a_code_cannot_be_used_twice(client):
    _, secret = create_totp_user("replay@motcua.vn")
    code = code_at(secret)
    sign_in(client, "replay@motcua.vn")
    assert client.post("/login/verify", data={"code": code}).status_code == 302
    client.post("/logout")
    sign_in(client, "replay@motcua.vn")
    response = client.post("/login/verify", data={"code": code})
    assert INVALID_CODE_VI in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_verify_without_a_pending_password_step_goes_back_to_login(client):
    assert client.get("/login/verify").headers["Location"] == "/login"
    assert client.post("/login/verify", data={"code": "123456"}).headers["Location"] == "/login"


def test_pending_step_expires(client):
    _, secret = create_totp_user("slow@motcua.vn")
    sign_in(client, "slow@motcua.vn")
    with client.session_transaction() as session:
        session[PENDING_SINCE] -= 301
    response = client.post("/login/verify", data={"code": code_at(secret)})
    assert response.headers["Location"] == "/login"
    assert not _signed_in(client)


# --- the verification rule itself ---------------------------------------------------------------------------

NOW = datetime(2026, 11, 28, 9, 0, 15, tzinfo=UTC)


@pytest.mark.parametrize("offset, accepted", [(-2, False), (-1, True), (0, True), (1, True), (2, False)])
def test_codes_one_step_either_side_are_accepted(offset, accepted):
    secret = pyotp.random_base32()
    code = pyotp.TOTP(secret).at(NOW + timedelta(seconds=30 * offset))
    assert (totp.accepted_step(secret, code, None, at=NOW) is not None) is accepted


def test_steps_up_to_the_last_accepted_one_are_refused():
    secret = pyotp.random_base32()
    current = pyotp.TOTP(secret).timecode(NOW)
    previous_code = pyotp.TOTP(secret).at(NOW - timedelta(seconds=30))
    assert totp.accepted_step(secret, previous_code, last_step=current, at=NOW) is None
    assert totp.accepted_step(secret, pyotp.TOTP(secret).at(NOW), last_step=current - 1, at=NOW) == current


@pytest.mark.parametrize("code", ["", "abcdef", "12345", None])
def test_garbage_is_never_a_code(code):
    assert totp.accepted_step(pyotp.random_base32(), code, None, at=NOW) is None


# --- enrolment ----------------------------------------------------------------------------------------------

def _secret_on_page(html: str) -> str:
    return re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")


def test_voluntary_enrolment_end_to_end(client, db_session, tenant_a):
    user = factories.create_user("tu-nguyen@bacninh.gov.vn", tenant=tenant_a, role="officer")
    sign_in(client, "tu-nguyen@bacninh.gov.vn")
    page = client.get("/account/2fa/setup").get_data(as_text=True)
    assert "<svg" in page and "<path" in page
    secret = _secret_on_page(page)
    assert secret not in client.get("/").get_data(as_text=True)

    wrong = client.post("/account/2fa/setup", data={"code": "000000" if code_at(secret) != "000000" else "111111"})
    assert INVALID_CODE_VI in wrong.get_data(as_text=True)
    assert _secret_on_page(wrong.get_data(as_text=True)) == secret  # the same secret until confirmed

    done = client.post("/account/2fa/setup", data={"code": code_at(secret)})
    assert done.headers["Location"] == "/account/recovery-codes/new"
    assert save_recovery_codes(client) == "/bac-ninh/admin/"
    db_session.refresh(user)
    assert user.has_totp and user.totp_secret == secret
    actions = db_session.scalars(select(PlatformAuditEvent.action).where(PlatformAuditEvent.target_id == str(user.id)))
    assert {"totp_enrolled", "totp_failed"} <= set(actions)

    client.post("/logout")
    assert sign_in(client, "tu-nguyen@bacninh.gov.vn").headers["Location"] == "/login/verify"
    assert client.post("/login/verify", data={"code": code_at(secret, 1)}).status_code == 302


def test_the_pending_secret_is_not_readable_in_the_cookie(client):
    factories.create_user("cookie@motcua.vn")
    sign_in(client, "cookie@motcua.vn")
    secret = _secret_on_page(client.get("/account/2fa/setup").get_data(as_text=True))
    cookie = client.get_cookie("session").value
    payload = cookie.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    decoded = zlib.decompress(raw) if cookie.startswith(".") else raw
    assert secret.encode() not in decoded


def test_enrolled_user_cannot_re_enrol_without_a_fresh_flow(client):
    _, secret = create_totp_user("da-co@motcua.vn")
    sign_in_with_totp(client, "da-co@motcua.vn", secret)
    response = client.get("/account/2fa/setup")
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("kind", ["admin", "operator"])
def test_require_2fa_holds_admins_and_operators_on_enrolment(client, app, monkeypatch, tenant_a, kind):
    monkeypatch.setitem(app.config, "REQUIRE_2FA", True)
    email = f"{kind}-2fa@motcua.vn"
    factories.create_user(email, operator=kind == "operator", tenant=None if kind == "operator" else tenant_a,
                          role="admin")
    response = client.post("/login", data={"email": email, "password": factories.DEFAULT_PASSWORD,
                                           "next": "/da-nang/"})
    assert response.headers["Location"] == "/account/2fa/setup"
    for elsewhere in ("/", "/bac-ninh/", "/login"):
        assert client.get(elsewhere).headers["Location"] == "/account/2fa/setup"
    page = client.get("/account/2fa/setup").get_data(as_text=True)
    assert "Vai trò của bạn bắt buộc xác thực hai bước." in page

    done = client.post("/account/2fa/setup", data={"code": code_at(_secret_on_page(page))})
    assert done.headers["Location"] == "/account/recovery-codes/new"
    assert save_recovery_codes(client) == "/da-nang/"
    assert client.get("/").status_code == 200


def test_require_2fa_does_not_hold_officers(client, app, monkeypatch, tenant_a):
    monkeypatch.setitem(app.config, "REQUIRE_2FA", True)
    factories.create_user("officer-2fa@bacninh.gov.vn", tenant=tenant_a, role="officer")
    assert sign_in(client, "officer-2fa@bacninh.gov.vn").headers["Location"] == "/bac-ninh/admin/"
    assert client.get("/").status_code == 200


def test_held_user_can_still_sign_out(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_2FA", True)
    factories.create_user("ops-out@motcua.vn", operator=True)
    sign_in(client, "ops-out@motcua.vn")
    assert client.post("/logout").headers["Location"] == "/"
    assert not _signed_in(client)
