"""Opening an invitation link (`/<slug>/setup/join/<token>`): refusals with a clear page, the setup wizard for a
province's first admin, account creation for a team member, and no second account for a known e-mail."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from platform_core.audit.models import AuditEvent
from platform_core.auth.models import User
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.onboarding import invitations
from platform_core.onboarding.constants import PURPOSE_TEAM
from platform_core.onboarding.setup_session import SESSION_KEY
from tests import factories
from tests.auth.support import sign_in
from tests.conftest import as_tenant
from tests.onboarding.conftest import CONTACT_EMAIL, GOOD_PASSWORD, SLUG, fresh, refreshed, text

OFFICER_EMAIL = "can-bo.moi@bacninh.gov.vn"


def team_invitation(tenant, email=OFFICER_EMAIL, role="officer", actor=None) -> tuple[invitations.Invitation, str]:
    """(invitation, path of its link), as the team page makes them."""
    with as_tenant(tenant):
        invitation, token = invitations.create_invitation(PURPOSE_TEAM, email, "Lê Văn Minh", role, actor=actor)
        db.session.flush()
        return invitation, urlsplit(invitations.invitation_link(tenant.slug, token)).path


def stored_invitation(invitation) -> invitations.Invitation:
    """Read in the invitation's tenant (the caller's context)."""
    return db.session.scalar(select(invitations.Invitation).where(invitations.Invitation.id == invitation.id)
                             .execution_options(populate_existing=True))


def users_with(email: str) -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.email == email))


def _signed_in_as(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


# --- links that cannot be used ------------------------------------------------------------------------------------

def test_a_tampered_link_gets_a_clear_page_and_400(client, invited):
    response = client.get(invited.path[:-3] + "xyz")
    assert response.status_code == 400
    html = text(response)
    assert "Đường liên kết mời không hợp lệ" in html
    assert 'data-reason="invalid"' in html and 'role="alert"' in html


def test_an_expired_link_gets_a_clear_page_and_410(client, invited):
    with as_tenant(invited.tenant):
        invited.invitation.expires_at = utcnow() - timedelta(seconds=1)
        db.session.flush()
    response = client.get(invited.path)
    assert response.status_code == 410
    assert "Lời mời này đã hết hạn" in text(response)
    assert "Đường liên kết mời có hiệu lực trong 7 ngày." in text(response)


def test_a_withdrawn_link_gets_a_clear_page_and_410(client, invited):
    invitations.invite_province(SLUG, CONTACT_EMAIL, "Lan")  # a new invitation replaces it
    response = client.get(invited.path)
    assert response.status_code == 410
    assert "Lời mời này đã bị thu hồi" in text(response)


def test_a_used_link_gets_a_clear_page_and_410_also_in_english(client, invited):
    with as_tenant(invited.tenant):
        invitations.mark_used(invited.invitation, factories.create_user(CONTACT_EMAIL))
        db.session.flush()
    response = client.get(invited.path)
    assert response.status_code == 410 and "Lời mời này đã được sử dụng" in text(response)
    english = client.get(invited.path + "?lang=en")
    assert english.status_code == 410 and "This invitation has already been used" in text(english)


def test_a_link_on_another_provinces_url_is_invalid(client, invited, tenant_a):
    response = client.get(invited.path.replace(f"/{SLUG}/", f"/{tenant_a.slug}/"))
    assert response.status_code == 400


def test_an_unknown_province_is_404(client, invited):
    assert client.get(invited.path.replace(f"/{SLUG}/", "/atlantis/")).status_code == 404


# --- the province's first admin ---------------------------------------------------------------------------------

def test_a_setup_link_opens_step_1_with_the_invitation_bound_to_the_province(client, invited):
    response = client.get(invited.path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{SLUG}/setup/profile"
    with client.session_transaction() as session:
        assert session[SESSION_KEY] == {"tenant": str(invited.tenant.id), "invitation": str(invited.invitation.id)}
        assert invited.token not in str(dict(session))
    page = client.get(f"/{SLUG}/setup/profile")
    assert page.status_code == 200
    assert "Chào mừng Nguyễn Thị Lan. Việc thiết lập Hà Nội gồm 7 bước" in text(page)


def test_opening_the_link_consumes_nothing(client, invited):
    """Mail scanners open links too: only the account creation uses the invitation."""
    client.get(invited.path)
    client.get(invited.path)
    assert fresh(invited).used_at is None
    assert refreshed(invited.tenant).status == "invited"


def test_an_existing_account_signs_in_then_accepts_the_setup_invitation(client, invited, tenant_a):
    user = factories.create_user(CONTACT_EMAIL, tenant=tenant_a, role="admin")
    page = client.get(invited.path)
    assert page.status_code == 200
    assert f"Bạn đã có tài khoản Motcua với {CONTACT_EMAIL}." in text(page)
    assert f'href="/login?next={invited.path}"' in text(page)

    signed_in = client.post("/login", data={"email": CONTACT_EMAIL, "password": factories.DEFAULT_PASSWORD,
                                            "next": invited.path})
    assert signed_in.headers["Location"] == invited.path
    assert 'id="accept-invitation"' in text(client.get(invited.path))

    accepted = client.post(invited.path)
    assert accepted.headers["Location"] == "/account/2fa/setup"  # an admin without TOTP enrols first
    with client.session_transaction() as session:
        assert session["auth_next"] == f"/{SLUG}/setup/profile"
    db.session.expire(user)
    assert user.role_in(invited.tenant.id) == "admin" and user.role_in(tenant_a.id) == "admin"
    assert users_with(CONTACT_EMAIL) == 1
    assert refreshed(invited.tenant).status == "onboarding"
    assert fresh(invited).accepted_user_id == user.id


# --- team members -----------------------------------------------------------------------------------------------

def test_a_team_link_shows_the_account_form_with_the_email_fixed(client, tenant_a):
    _, path = team_invitation(tenant_a)
    page = client.get(path)
    assert page.status_code == 200
    html = text(page)
    assert "Tạo tài khoản để tham gia tỉnh Bắc Ninh với vai trò Cán bộ." in html
    assert f'value="{OFFICER_EMAIL}" readonly autocomplete="username"' in html
    for name, autocomplete in (("full_name", "name"), ("password", "new-password"), ("confirm", "new-password")):
        assert f'<label class="field__label" for="{name}">' in html
        assert f'autocomplete="{autocomplete}"' in html


def test_a_team_member_creates_their_account_and_gets_the_role(client, tenant_a):
    admin = factories.create_user("quan-tri@bacninh.gov.vn", tenant=tenant_a, role="admin")
    invitation, path = team_invitation(tenant_a, actor=admin)
    response = client.post(path, data={"full_name": "Lê Văn Minh", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/bac-ninh/admin/"
    user = db.session.scalar(select(User).where(User.email == OFFICER_EMAIL))
    assert user.full_name == "Lê Văn Minh" and user.role_in(tenant_a.id) == "officer"
    assert _signed_in_as(client) == user.get_id()  # the id and the session version
    assert client.get("/bac-ninh/admin/").status_code == 200
    with as_tenant(tenant_a):
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id.in_(
            [str(user.id), str(invitation.id)]))))
        stored = stored_invitation(invitation)
        assert stored.used_at is not None and stored.accepted_user_id == user.id
    assert {"role_granted", "invitation_accepted"} <= actions

    again = client.post(path, data={"full_name": "X", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD})
    assert again.status_code == 410
    assert users_with(OFFICER_EMAIL) == 1


def test_a_team_admin_without_totp_enrols_before_the_console(client, tenant_a):
    _, path = team_invitation(tenant_a, email="qt2@bacninh.gov.vn", role="admin")
    response = client.post(path, data={"full_name": "Phó Quản Trị", "password": GOOD_PASSWORD,
                                       "confirm": GOOD_PASSWORD})
    assert response.headers["Location"] == "/account/2fa/setup"
    with client.session_transaction() as session:
        assert session["auth_next"] == "/bac-ninh/admin/"


@pytest.mark.parametrize(("form", "message"), [
    ({"full_name": "", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}, "Nhập họ và tên."),
    ({"full_name": "Minh", "password": "ngắn quá", "confirm": "ngắn quá"}, "Mật khẩu cần ít nhất 12 ký tự."),
    ({"full_name": "Minh", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD + "!"},
     "Hai mật khẩu không giống nhau."),
    ({"full_name": "Minh", "password": "can-bo.moi-2026!", "confirm": "can-bo.moi-2026!"},
     "Không dùng tên trong địa chỉ email (phần trước dấu @) trong mật khẩu."),
    ({"full_name": "Minh", "password": "password1234", "confirm": "password1234"}, "Mật khẩu này quá phổ biến"),
])
def test_a_team_form_with_errors_says_why_and_creates_nothing(client, tenant_a, form, message):
    invitation, path = team_invitation(tenant_a)
    response = client.post(path, data=form)
    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert 'class="alert alert--error error-summary" role="alert"' in html
    assert users_with(OFFICER_EMAIL) == 0
    with as_tenant(tenant_a):
        assert stored_invitation(invitation).used_at is None


def test_an_existing_account_accepts_a_team_invitation_without_a_second_account(client, tenant_a, tenant_b):
    user = factories.create_user(OFFICER_EMAIL, tenant=tenant_b, role="officer")
    _, path = team_invitation(tenant_a)
    page = client.get(path)
    assert "Đăng nhập để nhận lời mời" in text(page)
    assert client.post(path, data={"full_name": "X", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD}
                       ).status_code == 200  # still the sign-in page: no account is created
    assert users_with(OFFICER_EMAIL) == 1

    sign_in(client, OFFICER_EMAIL)
    accepted = client.post(path)
    assert accepted.headers["Location"] == "/bac-ninh/admin/"
    db.session.expire(user)
    assert user.role_in(tenant_a.id) == "officer" and user.role_in(tenant_b.id) == "officer"
    assert users_with(OFFICER_EMAIL) == 1
    assert client.post(path).status_code == 410


def test_signed_in_with_another_account_the_link_says_so(client, tenant_a):
    factories.create_user("nguoi-khac@bacninh.gov.vn", tenant=tenant_a, role="officer")
    invitation, path = team_invitation(tenant_a)
    sign_in(client, "nguoi-khac@bacninh.gov.vn")
    response = client.get(path)
    assert response.status_code == 403
    assert f"Lời mời này dành cho {OFFICER_EMAIL}, nhưng bạn đang đăng nhập bằng nguoi-khac@bacninh.gov.vn." in text(
        response)
    assert client.post(path).status_code == 403
    with as_tenant(tenant_a):
        assert stored_invitation(invitation).used_at is None


def test_an_upgrade_from_officer_to_admin_keeps_one_membership(client, tenant_a):
    user = factories.create_user(OFFICER_EMAIL, tenant=tenant_a, role="officer")
    _, path = team_invitation(tenant_a, role="admin")
    sign_in(client, OFFICER_EMAIL)
    client.post(path)
    db.session.expire(user)
    assert [m.role for m in user.memberships] == ["admin"]
