"""Setup step 2, the first administrator: password rules and TOTP enrolment on one page, recovery codes on the
next; everything created in one transaction, the invitation used once, the province moved to onboarding."""

import re

import pyotp
import pytest
from sqlalchemy import func, select

from platform_core.audit.models import AuditEvent, PlatformAuditEvent
from platform_core.auth.models import RecoveryCode, User
from platform_core.extensions import db
from platform_core.onboarding import acceptance, wizard
from platform_core.onboarding.invitations import TokenRefused
from platform_core.tenancy import service as tenancy
from tests import factories
from tests.auth.support import code_at, csrf_token_from, isolated_client, recovery_codes_on
from tests.conftest import as_tenant
from tests.onboarding.conftest import CONTACT_EMAIL, GOOD_PASSWORD, SLUG, fresh, refreshed, text

ADMIN = f"/{SLUG}/setup/admin"
CODES = f"/{SLUG}/setup/admin/recovery-codes"


def secret_on(html: str) -> str:
    return re.search(r'<code class="secret" id="totp-secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")


def wrong_code(secret: str) -> str:
    valid = {code_at(secret, offset) for offset in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def submit(client, secret: str, **changes):
    data = {"full_name": "Nguyễn Thị Lan", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD,
            "code": code_at(secret)} | changes
    return client.post(ADMIN, data=data)


def the_user() -> User | None:
    return db.session.scalar(select(User).where(User.email == CONTACT_EMAIL).execution_options(populate_existing=True))


def nothing_created(invited) -> bool:
    return the_user() is None and fresh(invited).used_at is None and refreshed(invited.tenant).status == "invited"


@pytest.fixture
def page(holder) -> str:
    return text(holder.get(ADMIN))


# --- the page --------------------------------------------------------------------------------------------------------

def test_the_page_has_the_email_read_only_the_qr_code_and_labelled_fields(page):
    assert f'value="{CONTACT_EMAIL}" readonly autocomplete="username"' in page
    assert '<div class="qr__image" role="img"' in page and "<svg" in page
    assert len(secret_on(page)) == 32
    for name, autocomplete in (("full_name", "name"), ("password", "new-password"), ("confirm", "new-password"),
                               ("code", "one-time-code")):
        assert f'<label class="field__label" for="{name}">' in page
        assert re.search(rf'<input[^>]*autocomplete="{autocomplete}"[^>]*id="{name}"', page) or re.search(
            rf'<input[^>]*id="{name}"[^>]*autocomplete="{autocomplete}"', page), name
    assert "Bước 2/7" in page


def test_the_secret_stays_the_same_until_the_account_exists(holder, page):
    again = text(holder.get(ADMIN))
    assert secret_on(again) == secret_on(page)
    with holder.session_transaction() as session:
        assert secret_on(page) not in str(dict(session))  # sealed, not just signed


# --- success ----------------------------------------------------------------------------------------------------------

def test_the_account_and_everything_else_is_created_in_one_go(holder, invited, page):
    secret = secret_on(page)
    response = submit(holder, secret)
    assert response.status_code == 302 and response.headers["Location"] == CODES

    user = the_user()
    assert user.full_name == "Nguyễn Thị Lan" and user.totp_secret == secret
    assert user.role_in(invited.tenant.id) == "admin"
    invitation = fresh(invited)
    assert invitation.used_at is not None and invitation.accepted_user_id == user.id
    assert refreshed(invited.tenant).status == "onboarding"
    with as_tenant(invited.tenant):
        assert wizard.is_done("admin")
        tenant_actions = set(db.session.scalars(select(AuditEvent.action)))
    platform_actions = set(db.session.scalars(select(PlatformAuditEvent.action).where(
        PlatformAuditEvent.target_id.in_([str(user.id), str(invited.tenant.id)]))))
    assert {"role_granted", "invitation_accepted"} <= tenant_actions
    assert {"user_created", "totp_enrolled", "recovery_codes_generated", "login_succeeded",
            "tenant_status_changed"} <= platform_actions
    with holder.session_transaction() as session:
        assert session["_user_id"] == user.get_id()  # the id and the session version
        assert "onboarding_invitation" not in session and "onboarding_totp" not in session


def test_recovery_codes_are_shown_once_then_the_wizard_goes_on(holder, page):
    submit(holder, secret_on(page))
    codes = recovery_codes_on(text(holder.get(CODES)))
    assert len(codes) == len(set(codes)) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == the_user().id)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)

    unconfirmed = holder.post(CODES, data={})
    assert unconfirmed.status_code == 200
    assert "Hãy xác nhận đã lưu các mã khôi phục" in text(unconfirmed)
    assert recovery_codes_on(text(unconfirmed)) == codes

    confirmed = holder.post(CODES, data={"saved": "y"})
    assert confirmed.headers["Location"] == f"/{SLUG}/setup/zalo"
    assert holder.get(CODES).headers["Location"] == f"/{SLUG}/setup/zalo"  # never shown again
    summary = text(holder.get(ADMIN))
    assert "Còn 10 mã chưa dùng" in summary and 'id="continue"' in summary


def test_the_new_admin_signs_in_with_password_and_totp_or_a_recovery_code(client, holder, page):
    secret = secret_on(page)
    submit(holder, secret)
    code = recovery_codes_on(text(holder.get(CODES)))[3]
    fresh_client = isolated_client(client.application)
    assert fresh_client.post("/login", data={"email": CONTACT_EMAIL, "password": GOOD_PASSWORD}
                             ).headers["Location"] == "/login/verify"
    assert fresh_client.post("/login/verify", data={"code": code}).status_code == 302
    assert "Số mã còn lại: 9" in text(fresh_client.get("/"))


def test_the_link_cannot_be_used_again(client, holder, invited, page):
    submit(holder, secret_on(page))
    again = isolated_client(client.application).get(invited.path)
    assert again.status_code == 410
    assert "Lời mời này đã được sử dụng" in text(again)


def test_a_second_holder_of_the_same_link_is_refused_after_the_first(client, invited, page, holder):
    other = isolated_client(client.application)
    other.get(invited.path)
    secret_other = secret_on(text(other.get(ADMIN)))
    assert submit(holder, secret_on(page)).status_code == 302
    late = submit(other, secret_other)
    assert late.status_code == 302 and late.headers["Location"].startswith("/login")
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == CONTACT_EMAIL)) == 1


def test_the_service_refuses_a_second_acceptance_of_the_same_invitation(invited):
    secret = pyotp.random_base32()
    with as_tenant(invited.tenant):
        acceptance.create_first_admin(invited.tenant, invited.invitation, "Lan", GOOD_PASSWORD, secret,
                                      code_at(secret))
        with pytest.raises(TokenRefused) as refused:
            acceptance.create_first_admin(invited.tenant, invited.invitation, "Lan 2", GOOD_PASSWORD, secret,
                                          code_at(secret, 1))
    assert refused.value.reason == "used"


# --- refusals ---------------------------------------------------------------------------------------------------------

def test_a_wrong_totp_code_creates_nothing(holder, invited, page):
    secret = secret_on(page)
    response = submit(holder, secret, code=wrong_code(secret))
    assert response.status_code == 200
    html = text(response)
    assert '<p class="field__error" id="code-error">Mã xác thực không đúng.' in html
    assert secret_on(html) == secret
    assert nothing_created(invited)
    event = db.session.scalar(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "totp_failed"))
    assert event.details == {"stage": "setup", "email": CONTACT_EMAIL}
    assert submit(holder, secret).status_code == 302  # the right code afterwards works


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"password": "ngắn", "confirm": "ngắn"}, "password", "Mật khẩu cần ít nhất 12 ký tự."),
    ({"confirm": "khác hẳn mật khẩu"}, "confirm", "Hai mật khẩu không giống nhau."),
    ({"password": "Lan.Nguyen.2026!", "confirm": "Lan.Nguyen.2026!"}, "password",
     "Không dùng tên trong địa chỉ email"),
    ({"full_name": ""}, "full_name", "Nhập họ và tên."),
    ({"code": "12ab"}, "code", "Mã xác thực gồm 6 chữ số."),
])
def test_password_and_field_rules_are_explained_and_nothing_is_created(holder, invited, page, changes, field, message):
    response = submit(holder, secret_on(page), **changes)
    assert response.status_code == 200
    assert f'<p class="field__error" id="{field}-error">{message}' in text(response)
    assert 'class="alert alert--error error-summary" role="alert"' in text(response)
    assert nothing_created(invited)


def test_an_account_made_meanwhile_with_the_same_email_is_not_duplicated(holder, invited, page):
    factories.create_user(CONTACT_EMAIL)
    response = submit(holder, secret_on(page))
    assert response.status_code == 200
    assert "Địa chỉ email này đã có tài khoản." in text(response)
    assert fresh(invited).used_at is None and refreshed(invited.tenant).status == "invited"


def test_a_failure_half_way_leaves_nothing_behind(holder, invited, page, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")
    monkeypatch.setattr(tenancy, "change_status", broken)
    response = submit(holder, secret_on(page))
    assert response.status_code == 500
    assert nothing_created(invited)


def test_a_post_without_the_csrf_token_is_refused(holder, invited, page, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert submit(holder, secret_on(page)).status_code == 400
    assert nothing_created(invited)
    form = text(holder.get(ADMIN))
    assert submit(holder, secret_on(page), csrf_token=csrf_token_from(form)).status_code == 302


def test_the_recovery_codes_page_is_for_admins_only(client, invited):
    assert client.get(CODES).headers["Location"].startswith("/login")


def test_what_the_wizard_says_about_coming_back_is_true_before_and_after_step_2(client, invited):
    """Before step 2 the link opens the setup again; from step 2 on it is used up (410), and the address the
    welcome and the account page name leads, after signing in, back into the setup."""
    first = isolated_client(client.application)
    first.get(invited.path)
    welcome = text(first.get(f"/{SLUG}/setup/profile"))
    resume = f"http://localhost/{SLUG}/setup/profile"
    assert "quay lại tại " + resume + " và đăng nhập" in welcome and "cùng đường liên kết" not in welcome
    assert isolated_client(client.application).get(invited.path).status_code == 302  # not used up yet

    secret = secret_on(text(first.get(ADMIN)))
    submit(first, secret)
    first.post(CODES, data={"saved": "y"})
    assert "không còn mở được trang thiết lập. Để quay lại sau, hãy mở " + resume in text(first.get(ADMIN))

    later = isolated_client(client.application)
    assert later.get(invited.path).status_code == 410
    to_sign_in = later.get(resume)
    assert to_sign_in.status_code == 302 and to_sign_in.headers["Location"].startswith("/login")
    later.post(to_sign_in.headers["Location"], data={"email": CONTACT_EMAIL, "password": GOOD_PASSWORD})
    back = later.post("/login/verify", data={"code": code_at(secret, 1)})
    assert back.headers["Location"] == f"/{SLUG}/setup/profile"
    assert later.get(back.headers["Location"]).status_code == 200
