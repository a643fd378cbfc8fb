"""Invitations (onboarding/invitations.py): single-use signed links with an expiry, refused with a reason;
and `flask tenants invite`."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, update

from platform_core.audit.models import AuditEvent, PlatformAuditEvent
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.onboarding import invitations
from platform_core.onboarding.constants import INVITATION_LIFETIME, PURPOSE_PROVINCE_SETUP, PURPOSE_TEAM
from platform_core.onboarding.invitations import InvitationError, TokenRefused
from platform_core.tenancy import service as tenancy
from tests import factories
from tests.conftest import TENANT_A_SLUG, as_tenant
from tests.onboarding.conftest import CONTACT_EMAIL, SLUG, add_province, refreshed


def _check(invited, token=None, now=None):
    with as_tenant(invited.tenant):
        return invitations.check_token(invited.token if token is None else token, now=now)


def _reason(invited, token=None, now=None) -> str:
    with pytest.raises(TokenRefused) as refused:
        _check(invited, token, now)
    return refused.value.reason


# --- inviting a province --------------------------------------------------------------------------------------

def test_inviting_a_province_creates_the_tenant_as_invited_with_one_open_invitation(invited):
    tenant = invited.tenant
    assert (tenant.slug, tenant.name, tenant.code, tenant.status) == (SLUG, "Hà Nội", "01", "invited")
    invitation = invited.invitation
    assert (invitation.purpose, invitation.role, invitation.email) == (PURPOSE_PROVINCE_SETUP, "admin", CONTACT_EMAIL)
    assert invitation.expires_at - invitation.created_at == INVITATION_LIFETIME
    assert invited.link.startswith(f"http://127.0.0.1:5000/{SLUG}/setup/join/")
    assert _check(invited).id == invitation.id


def test_only_a_hash_of_the_link_is_stored(invited):
    nonce_free_token = invited.token
    assert invited.invitation.token_hash not in nonce_free_token
    assert len(invited.invitation.token_hash) == 64
    with as_tenant(invited.tenant):
        model = invitations.Invitation
        every_column = [getattr(model, attr.key) for attr in inspect(model).column_attrs]
        stored = db.session.execute(select(*every_column)).mappings().one()
    assert all(nonce_free_token not in str(value) for value in stored.values())


def test_inviting_is_audited_without_the_link(invited):
    with as_tenant(invited.tenant):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation_created"))
    assert event.details == {"purpose": PURPOSE_PROVINCE_SETUP, "email": CONTACT_EMAIL, "role": "admin"}
    assert invited.token not in str(event.details)
    created = db.session.scalar(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "tenant_created",
                                                               PlatformAuditEvent.target_id == str(invited.tenant.id)))
    assert created is not None


def test_inviting_again_withdraws_the_earlier_link(invited):
    _, second, link = invitations.invite_province(SLUG, "khac@hanoi.gov.vn", "Trần Văn Khác")
    assert _reason(invited) == invitations.REVOKED
    with as_tenant(invited.tenant):
        assert invitations.check_token(link.rsplit("/", 1)[1]).id == second.id
        assert [item.id for item in invitations.open_invitations()] == [second.id]
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation_revoked")) is not None


@pytest.mark.parametrize("status", ["onboarding", "trial", "live", "suspended"])
def test_a_province_already_on_board_is_refused(province, status):
    tenancy.create_tenant(SLUG, status=status)
    with pytest.raises(InvitationError, match="already on board") as refused:
        invitations.invite_province(SLUG, CONTACT_EMAIL, "Lan")
    assert refused.value.field == "province"


def test_a_province_past_invited_is_refused_after_its_admin_joined(invited):
    tenancy.change_status(invited.tenant, "onboarding")
    with pytest.raises(InvitationError, match="already on board"):
        invitations.invite_province(SLUG, CONTACT_EMAIL, "Lan")


def test_an_unknown_province_is_refused():
    with pytest.raises(InvitationError, match="not one of the 34 provinces") as refused:
        invitations.invite_province("atlantis", CONTACT_EMAIL, "Lan")
    assert refused.value.field == "province"


@pytest.mark.parametrize(("email", "name", "field"), [
    ("not-an-email", "Lan", "email"), ("lan@hanoi.gov.vn", "  ", "contact_name"),
])
def test_bad_contact_details_are_refused_by_field(province, email, name, field):
    with pytest.raises(InvitationError) as refused:
        invitations.invite_province(SLUG, email, name)
    assert refused.value.field == field


def test_the_email_is_normalised(province):
    _, invitation, _ = invitations.invite_province(SLUG, "  Lan.Nguyen@HaNoi.gov.vn ", "Lan")
    assert invitation.email == "lan.nguyen@hanoi.gov.vn"


# --- checking a link -----------------------------------------------------------------------------------------

def test_an_expired_invitation_is_refused(invited):
    assert _reason(invited, now=invited.invitation.expires_at + timedelta(seconds=1)) == invitations.EXPIRED


def test_an_invitation_whose_expiry_was_brought_forward_is_refused(invited):
    with as_tenant(invited.tenant):
        invited.invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.flush()
    assert _reason(invited) == invitations.EXPIRED


def test_a_signature_older_than_the_lifetime_is_refused(invited, app, monkeypatch):
    later = utcnow() + INVITATION_LIFETIME + timedelta(minutes=1)
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later.timestamp())
    assert _reason(invited) == invitations.EXPIRED


def test_a_used_invitation_is_refused(invited):
    user = factories.create_user(CONTACT_EMAIL)
    with as_tenant(invited.tenant):
        invitations.mark_used(invited.invitation, user)
    assert _reason(invited) == invitations.USED


def test_a_withdrawn_invitation_is_refused(invited):
    with as_tenant(invited.tenant):
        invitations.revoke(invited.invitation)
    assert _reason(invited) == invitations.REVOKED


@pytest.mark.parametrize("tamper", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # the signature
    lambda token: "x" + token,                                                  # the payload
    lambda token: token.split(".")[0],                                          # cut short (a mail client)
    lambda token: "",
    lambda token: "not-a-token",
])
def test_a_tampered_link_is_refused_as_invalid(invited, tamper):
    assert _reason(invited, tamper(invited.token)) == invitations.INVALID


def test_a_validly_signed_token_with_another_nonce_is_invalid(invited):
    with as_tenant(invited.tenant):
        forged = invitations._serializer().dumps({"i": str(invited.invitation.id), "n": "guessed"})
        not_a_dict = invitations._serializer().dumps(["i"])
    assert _reason(invited, forged) == invitations.INVALID
    assert _reason(invited, not_a_dict) == invitations.INVALID


def test_a_link_of_one_province_is_invalid_in_another(invited, tenant_a):
    with as_tenant(tenant_a), pytest.raises(TokenRefused) as refused:
        invitations.check_token(invited.token)
    assert refused.value.reason == invitations.INVALID


def test_lock_open_refuses_an_invitation_used_meanwhile(invited):
    user = factories.create_user(CONTACT_EMAIL)
    with as_tenant(invited.tenant):
        invitation = invitations.check_token(invited.token)
        db.session.execute(  # behind the loaded object's back, as another request would
            update(invitations.Invitation).values(used_at=utcnow(), accepted_user_id=user.id),
            execution_options={"synchronize_session": False})
        with pytest.raises(TokenRefused) as refused:
            invitations.lock_open(invitation)
    assert refused.value.reason == invitations.USED


def test_team_invitations_are_for_the_tenant_in_context(tenant_a):
    admin = factories.create_user("admin@bacninh.gov.vn", tenant=tenant_a, role="admin")
    with as_tenant(tenant_a):
        invitation, token = invitations.create_invitation(PURPOSE_TEAM, "can-bo@bacninh.gov.vn", "Cán bộ", "officer",
                                                          actor=admin)
        assert invitations.check_token(token).id == invitation.id
        assert invitation.invited_by_id == admin.id
        with pytest.raises(InvitationError):
            invitations.create_invitation(PURPOSE_TEAM, "x@bacninh.gov.vn", "X", "operator")
        with pytest.raises(InvitationError):
            invitations.create_invitation("party", "x@bacninh.gov.vn", "X", "officer")


# --- flask tenants invite -------------------------------------------------------------------------------------

def invoke(runner, *args):
    return runner.invoke(args=["tenants", "invite", *args])


def test_cli_invite_prints_the_link_and_says_nothing_was_emailed(runner, province, caplog):
    caplog.set_level(logging.INFO, logger="platform_core.onboarding.emails")
    result = invoke(runner, SLUG, "--email", CONTACT_EMAIL, "--name", "Nguyễn Thị Lan")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Invited {CONTACT_EMAIL} to set up Hà Nội ({SLUG})."
    assert lines[1].startswith("Setup link (works once, until ")
    link = lines[2]
    assert link.startswith(f"http://127.0.0.1:5000/{SLUG}/setup/join/")
    assert "MAIL_SERVER is not set" in lines[3]
    tenant = refreshed(factories.tenant_by_slug(SLUG))
    assert tenant.status == "invited"
    with as_tenant(tenant):
        invitation = invitations.check_token(link.rsplit("/", 1)[1])
    assert (invitation.contact_name, invitation.email) == ("Nguyễn Thị Lan", CONTACT_EMAIL)
    assert link in caplog.text  # development: the link is logged for the operator too


def test_cli_invite_without_a_name_greets_by_email(runner, province):
    assert invoke(runner, SLUG, "--email", CONTACT_EMAIL).exit_code == 0
    with as_tenant(factories.tenant_by_slug(SLUG)):
        assert invitations.open_invitations()[0].contact_name == CONTACT_EMAIL


def test_cli_refuses_a_province_already_on_board(runner):
    result = invoke(runner, TENANT_A_SLUG, "--email", CONTACT_EMAIL)
    assert result.exit_code != 0
    assert "cannot invite 'bac-ninh': Bắc Ninh is already on board (status: live)" in result.output


def test_cli_refuses_an_unknown_slug(runner):
    result = invoke(runner, "atlantis", "--email", CONTACT_EMAIL)
    assert result.exit_code != 0
    assert "cannot invite 'atlantis': 'atlantis' is not one of the 34 provinces" in result.output
    assert factories.tenant_by_slug("atlantis") is None


def test_cli_refuses_a_bad_email_and_creates_nothing(runner, province):
    result = invoke(runner, SLUG, "--email", "lan-at-hanoi")
    assert result.exit_code != 0
    assert "enter an e-mail address" in result.output
    assert factories.tenant_by_slug(SLUG) is None


def test_cli_needs_the_email(runner, province):
    result = invoke(runner, SLUG)
    assert result.exit_code == 2
    assert "--email" in result.output


def test_invited_status_is_shown_by_tenants_list(runner, province):
    invoke(runner, SLUG, "--email", CONTACT_EMAIL)
    assert any(line.startswith(SLUG) and "invited" in line
               for line in runner.invoke(args=["tenants", "list"]).output.splitlines())


def test_a_second_province_can_be_invited_independently(province):
    add_province("hai-phong", "Hải Phòng", "31", profile={})
    invitations.invite_province(SLUG, CONTACT_EMAIL, "Lan")
    tenant, invitation, _ = invitations.invite_province("hai-phong", "hp@haiphong.gov.vn", "Hùng")
    assert tenant.status == "invited"
    with as_tenant(tenant):
        assert [item.id for item in invitations.open_invitations()] == [invitation.id]
