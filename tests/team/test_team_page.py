"""The team page: members, invitations (link shown once), roles, removal, 2FA resets; all audited."""

import re

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from platform_core.audit.models import AuditEvent, PlatformAuditEvent
from platform_core.extensions import db
from platform_core.onboarding import invitations
from platform_core.onboarding.constants import PURPOSE_TEAM
from platform_core.onboarding.emails import send_invitation_email
from platform_core.onboarding.models import Invitation
from platform_core.team import service
from tests import factories
from tests.auth.support import add_membership, create_totp_user, csrf_token_from, isolated_client, sign_in
from tests.conftest import CANARY, as_tenant
from tests.console.support import text_of

URL = "/bac-ninh/admin/team/"
INVITE = {"email": "Can.Bo@BacNinh.gov.vn", "full_name": "Lê Văn Cán", "role": "officer"}


def audit_actions(tenant) -> list[str]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.created_at)))


def open_team_invitations(tenant) -> list[Invitation]:
    with as_tenant(tenant):
        return invitations.open_invitations(PURPOSE_TEAM)


@pytest.fixture
def officer_of_a(tenant_a):
    user = factories.create_user("officer@bac-ninh.vn", full_name="Phạm Thị Hoa")
    add_membership(user, tenant_a, "officer")
    return user


@pytest.fixture
def member_of_b(tenant_b):
    user = factories.create_user("member@da-nang.vn", full_name=f"Người {CANARY}")
    add_membership(user, tenant_b, "officer")
    return user


# --- the page -----------------------------------------------------------------------------------------------

def test_members_are_listed_with_role_2fa_and_last_sign_in(admin_a, officer_of_a, member_of_b):
    html = text_of(admin_a.client.get(URL))
    assert "Phạm Thị Hoa" in html and "officer@bac-ninh.vn" in html and admin_a.user.email in html
    assert CANARY not in html


# --- invitations --------------------------------------------------------------------------------------------

def test_an_invitation_is_created_e_mailed_and_its_link_shown_once(admin_a, tenant_a, caplog):
    caplog.set_level("INFO", logger="platform_core.onboarding.emails")
    response = admin_a.client.post(f"{URL}invite", data=INVITE)
    html = text_of(response)
    [invitation] = open_team_invitations(tenant_a)
    assert (invitation.email, invitation.role, invitation.contact_name) == ("can.bo@bacninh.gov.vn", "officer",
                                                                            "Lê Văn Cán")
    link = re.search(r"https?://[^\s<\"]+/bac-ninh/setup/join/[^\s<\"]+", html).group(0)
    assert response.headers["Cache-Control"] == "no-store"
    assert any(link in record.getMessage() for record in caplog.records)  # handed to deliver_invitation
    with as_tenant(tenant_a):
        assert invitations.check_token(link.rsplit("/", 1)[1]).id == invitation.id
    later = text_of(admin_a.client.get(URL))
    assert "can.bo@bacninh.gov.vn" in later and link not in later
    assert "invitation_created" in audit_actions(tenant_a)


def test_when_the_e_mail_cannot_be_queued_the_link_is_still_shown(admin_a, tenant_a, app, monkeypatch):
    """SMTP is set up but Redis is down: the invitation stands and the admin passes the link on by hand."""
    def redis_down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.bacninh.gov.vn")
    monkeypatch.setattr(send_invitation_email, "enqueue", redis_down)
    html = text_of(admin_a.client.post(f"{URL}invite?lang=en", data=INVITE))
    assert "/bac-ninh/setup/join/" in html
    assert "The e-mail could not be sent" in html
    assert len(open_team_invitations(tenant_a)) == 1


def test_without_a_mail_server_the_page_says_nothing_was_e_mailed(admin_a):
    html = text_of(admin_a.client.post(f"{URL}invite?lang=en", data=INVITE))
    assert "E-mail sending is not set up on this platform" in html
    assert "/bac-ninh/setup/join/" in html


def test_inviting_the_same_address_again_replaces_the_open_invitation(admin_a, tenant_a):
    admin_a.client.post(f"{URL}invite", data=INVITE)
    admin_a.client.post(f"{URL}invite", data=INVITE | {"role": "admin"})
    [invitation] = open_team_invitations(tenant_a)
    assert invitation.role == "admin"
    assert audit_actions(tenant_a).count("invitation_revoked") == 1


@pytest.mark.parametrize(("data", "message"), [
    (INVITE | {"email": "not-an-address"}, "name@example.gov.vn"),
    (INVITE | {"full_name": ""}, "name"),
    (INVITE | {"role": "operator"}, "role"),
])
def test_a_bad_invitation_is_a_form_error(admin_a, tenant_a, data, message):
    response = admin_a.client.post(f"{URL}invite", data=data)
    assert response.status_code == 200 and "field__error" in text_of(response)
    assert open_team_invitations(tenant_a) == []


def test_a_member_cannot_be_invited_again(admin_a, tenant_a, officer_of_a):
    html = text_of(admin_a.client.post(f"{URL}invite", data=INVITE | {"email": "OFFICER@bac-ninh.vn"}))
    assert "field__error" in html
    assert open_team_invitations(tenant_a) == []


def test_an_invitation_can_be_withdrawn(admin_a, tenant_a):
    admin_a.client.post(f"{URL}invite", data=INVITE)
    [invitation] = open_team_invitations(tenant_a)
    assert admin_a.client.post(f"{URL}invitations/{invitation.id}/revoke").status_code == 302
    assert open_team_invitations(tenant_a) == []
    assert "invitation_revoked" in audit_actions(tenant_a)


def test_another_provinces_invitation_is_404(admin_a, admin_b, tenant_b):
    admin_b.client.post("/da-nang/admin/team/invite", data=INVITE)
    [invitation] = open_team_invitations(tenant_b)
    assert admin_a.client.post(f"{URL}invitations/{invitation.id}/revoke").status_code == 404
    assert admin_a.client.post(f"/da-nang/admin/team/invitations/{invitation.id}/revoke").status_code == 404
    assert open_team_invitations(tenant_b) != []


# --- roles and removal --------------------------------------------------------------------------------------

def test_an_officer_can_be_made_an_admin_and_back(admin_a, tenant_a, officer_of_a):
    assert admin_a.client.post(f"{URL}{officer_of_a.id}/role", data={"role": "admin"}).status_code == 302
    db.session.expire(officer_of_a, ["memberships"])
    assert officer_of_a.role_in(tenant_a.id) == "admin"
    admin_a.client.post(f"{URL}{officer_of_a.id}/role", data={"role": "officer"})
    db.session.expire(officer_of_a, ["memberships"])
    assert officer_of_a.role_in(tenant_a.id) == "officer"
    assert audit_actions(tenant_a).count("role_granted") == 2


def test_nobody_changes_their_own_role(admin_a, tenant_a):
    add_membership(factories.create_user("second-admin@bac-ninh.vn"), tenant_a, "admin")  # still refused
    response = admin_a.client.post(f"{URL}{admin_a.user.id}/role", data={"role": "officer"}, follow_redirects=True)
    assert "flash--error" in text_of(response)
    db.session.expire(admin_a.user, ["memberships"])
    assert admin_a.user.role_in(tenant_a.id) == "admin"
    assert "role_granted" not in audit_actions(tenant_a)


def test_a_member_is_removed_after_confirmation(app, admin_a, tenant_a, officer_of_a):
    confirm = admin_a.client.get(f"{URL}{officer_of_a.id}/remove")
    assert confirm.status_code == 200 and "Phạm Thị Hoa" in text_of(confirm)
    db.session.expire(officer_of_a, ["memberships"])
    assert officer_of_a.role_in(tenant_a.id) == "officer"  # asking changes nothing
    assert admin_a.client.post(f"{URL}{officer_of_a.id}/remove").status_code == 302
    db.session.expire(officer_of_a, ["memberships"])
    assert officer_of_a.role_in(tenant_a.id) is None
    assert "role_revoked" in audit_actions(tenant_a)
    client = isolated_client(app)
    sign_in(client, "officer@bac-ninh.vn")
    assert client.get("/bac-ninh/admin/").status_code == 404


def test_nobody_removes_themselves(admin_a, tenant_a):
    response = admin_a.client.post(f"{URL}{admin_a.user.id}/remove", follow_redirects=True)
    assert 'flash--error' in text_of(response)
    db.session.expire(admin_a.user, ["memberships"])
    assert admin_a.user.role_in(tenant_a.id) == "admin"
    assert "role_revoked" not in audit_actions(tenant_a)


def test_another_provinces_member_is_404_for_every_action(admin_a, member_of_b, tenant_b):
    for path in ("role", "remove", "reset-2fa"):
        assert admin_a.client.post(f"{URL}{member_of_b.id}/{path}", data={"role": "admin"}).status_code == 404
        assert admin_a.client.post(f"/da-nang/admin/team/{member_of_b.id}/{path}",
                                   data={"role": "admin"}).status_code == 404
    db.session.expire(member_of_b, ["memberships"])
    assert member_of_b.role_in(tenant_b.id) == "officer"
    assert admin_a.client.get("/da-nang/admin/team/").status_code == 404


# --- two-step verification ----------------------------------------------------------------------------------

def test_a_members_2fa_is_reset_after_confirmation(admin_a, tenant_a):
    user, _ = create_totp_user("lost-phone@bac-ninh.vn", full_name="Đỗ Văn Mất")
    add_membership(user, tenant_a, "officer")
    assert admin_a.client.get(f"{URL}{user.id}/reset-2fa").status_code == 200
    assert admin_a.client.post(f"{URL}{user.id}/reset-2fa").status_code == 302
    db.session.refresh(user)
    assert not user.has_totp
    assert "member_totp_reset" in audit_actions(tenant_a)
    platform = db.session.scalars(select(PlatformAuditEvent.action).where(PlatformAuditEvent.target_id == str(user.id)))
    assert "totp_reset" in list(platform)


def test_2fa_of_someone_who_also_works_elsewhere_is_not_reset_here(admin_a, tenant_a, tenant_b):
    user, _ = create_totp_user("both@motcua.test")
    add_membership(user, tenant_a, "officer")
    add_membership(user, tenant_b, "admin")
    assert "reset-2fa" not in text_of(admin_a.client.get(URL)).split("both@motcua.test")[1].split("</tr>")[0]
    response = admin_a.client.post(f"{URL}{user.id}/reset-2fa", follow_redirects=True)
    assert "flash--error" in text_of(response)
    db.session.refresh(user)
    assert user.has_totp


# --- permissions and CSRF -----------------------------------------------------------------------------------

def test_officers_get_404_on_the_page_and_every_action(officer_a, officer_of_a, tenant_a):
    client = officer_a.client
    assert client.get(URL).status_code == 404
    assert client.post(f"{URL}invite", data=INVITE).status_code == 404
    for path in ("role", "remove", "reset-2fa"):
        assert client.post(f"{URL}{officer_of_a.id}/{path}", data={"role": "admin"}).status_code == 404
    assert open_team_invitations(tenant_a) == []
    db.session.expire(officer_of_a, ["memberships"])
    assert officer_of_a.role_in(tenant_a.id) == "officer"


def test_changes_without_the_csrf_token_are_400(admin_a, tenant_a, officer_of_a, csrf_on):
    assert admin_a.client.post(f"{URL}invite", data=INVITE).status_code == 400
    for path in ("role", "remove", "reset-2fa"):
        assert admin_a.client.post(f"{URL}{officer_of_a.id}/{path}", data={"role": "admin"}).status_code == 400
    db.session.expire(officer_of_a, ["memberships"])
    assert officer_of_a.role_in(tenant_a.id) == "officer"
    token = csrf_token_from(text_of(admin_a.client.get(URL)))
    assert admin_a.client.post(f"{URL}invite", data=INVITE | {"csrf_token": token}).status_code == 200
    [invitation] = open_team_invitations(tenant_a)
    assert admin_a.client.post(f"{URL}invitations/{invitation.id}/revoke").status_code == 400


def test_the_last_admin_is_kept(tenant_a):
    """Through the page the acting admin is one of the admins (and cannot change themselves); the service
    holds the rule for every caller."""
    only = factories.create_user("only-admin@bac-ninh.vn")
    add_membership(only, tenant_a, "admin")
    with as_tenant(tenant_a), pytest.raises(service.TeamError):
        service.change_role(tenant_a, only, "officer", actor=None)
    with as_tenant(tenant_a), pytest.raises(service.TeamError):
        service.remove(tenant_a, only, actor=None)
    db.session.expire(only, ["memberships"])
    assert only.role_in(tenant_a.id) == "admin"
