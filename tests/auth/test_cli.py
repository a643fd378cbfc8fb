"""`flask users ...`: accounts and roles from the shell, with errors that name the field and no tracebacks."""

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent, PlatformAuditEvent
from platform_core.auth.passwords import verify_password
from platform_core.auth.service import find_user
from tests import factories
from tests.auth.support import create_totp_user
from tests.conftest import as_tenant

PASSWORD = "a-long-enough-password"


def _users(runner, *args, input=None):
    return runner.invoke(args=["users", *args], input=input)


def test_create_with_a_province_role(runner, db_session, tenant_a):
    result = _users(runner, "create", "Lan@BacNinh.gov.vn", "--name", "Trần Thị Lan", "--password", PASSWORD,
                    "--tenant", "bac-ninh", "--role", "admin")
    assert result.exit_code == 0, result.output
    assert "Created lan@bacninh.gov.vn, admin of bac-ninh." in result.output
    user = find_user("lan@bacninh.gov.vn")
    assert user.full_name == "Trần Thị Lan"
    assert verify_password(user.password_hash, PASSWORD)
    assert user.role_in(tenant_a.id) == "admin" and not user.is_operator
    with as_tenant(tenant_a):
        [granted] = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "role_granted")).all()
    assert granted.details["role"] == "admin" and granted.target_id == str(user.id)


def test_create_prompts_for_the_password_twice(runner):
    result = _users(runner, "create", "ops@motcua.vn", "--name", "Vận Hành", "--operator",
                    input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    assert find_user("ops@motcua.vn").is_operator


def test_mismatched_password_confirmation_asks_again(runner):
    result = _users(runner, "create", "lech@motcua.vn", "--name", "Lệch",
                    input=f"{PASSWORD}\nsomething-else-entirely\n")
    assert "Error: The two entered values do not match." in result.output
    assert find_user("lech@motcua.vn") is None


@pytest.mark.parametrize("args, message", [
    (["not-an-email", "--name", "X", "--password", PASSWORD],
     "Invalid value for EMAIL: 'not-an-email' is not an email address"),
    (["a@b.vn", "--name", "X", "--password", "short"],
     "Invalid value for --password: not acceptable: at least 12 characters"),
    (["a@b.vn", "--name", "X", "--password", "password1234"],
     "Invalid value for --password: not acceptable: too common"),
    (["lan.nguyen@b.vn", "--name", "X", "--password", "LAN.NGUYEN-mat-khau"],
     "Invalid value for --password: not acceptable: must not contain the e-mail address's name"),
    (["a@b.vn", "--name", " ", "--password", PASSWORD], "Invalid value for --name: give a name"),
    (["a@b.vn", "--name", "X", "--password", PASSWORD, "--tenant", "atlantis", "--role", "admin"],
     "Invalid value for --tenant: no tenant 'atlantis'"),
    (["a@b.vn", "--name", "X", "--password", PASSWORD, "--role", "admin"], "Error: --tenant and --role go together"),
    (["a@b.vn", "--name", "X", "--password", PASSWORD, "--tenant", "bac-ninh", "--role", "boss"],
     "Invalid value for '--role': 'boss' is not one of 'admin', 'officer'"),
])
def test_create_refusals_name_the_field(runner, args, message):
    result = _users(runner, "create", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert find_user("a@b.vn") is None and find_user("lan.nguyen@b.vn") is None


def test_duplicate_email_is_refused(runner):
    factories.create_user("trung@motcua.vn")
    result = _users(runner, "create", "TRUNG@motcua.vn", "--name", "Trùng", "--password", PASSWORD)
    assert result.exit_code == 2
    assert "Invalid value for EMAIL: a user 'trung@motcua.vn' already exists" in result.output


def test_grant_then_change_then_revoke(runner, db_session, tenant_b):
    user = factories.create_user("canbo@danang.gov.vn")
    assert _users(runner, "grant", "canbo@danang.gov.vn", "da-nang", "--role", "officer").exit_code == 0
    result = _users(runner, "grant", "canbo@danang.gov.vn", "da-nang", "--role", "admin")
    assert "canbo@danang.gov.vn is now admin of da-nang." in result.output
    db_session.expire_all()
    assert user.role_in(tenant_b.id) == "admin" and len(user.memberships) == 1

    result = _users(runner, "revoke", "canbo@danang.gov.vn", "da-nang")
    assert result.exit_code == 0 and "no longer has a role in da-nang" in result.output
    db_session.expire_all()
    assert user.memberships == []
    with as_tenant(tenant_b):
        actions = db_session.scalars(select(AuditEvent.action).order_by(AuditEvent.created_at)).all()
        granted = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "role_granted")).all()
    assert actions == ["role_granted", "role_granted", "role_revoked"]
    assert [g.details["previous_role"] for g in granted] == [None, "officer"]


def test_role_events_stay_in_the_province_log(runner, db_session, tenant_a, tenant_b):
    factories.create_user("rieng@danang.gov.vn")
    _users(runner, "grant", "rieng@danang.gov.vn", "da-nang", "--role", "officer")
    with as_tenant(tenant_a):
        assert db_session.scalars(select(AuditEvent)).all() == []
    platform_actions = db_session.scalars(select(PlatformAuditEvent.action)).all()
    assert "role_granted" not in platform_actions


@pytest.mark.parametrize("args, message", [
    (["grant", "nobody@motcua.vn", "bac-ninh", "--role", "admin"],
     "Invalid value for EMAIL: no user 'nobody@motcua.vn'"),
    (["grant", "known@motcua.vn", "atlantis", "--role", "admin"], "Invalid value for SLUG: no tenant 'atlantis'"),
    (["grant", "known@motcua.vn", "bac-ninh"], "Missing option '--role'"),
    (["revoke", "known@motcua.vn", "bac-ninh"], "Invalid value for SLUG: known@motcua.vn has no role in bac-ninh"),
    (["revoke", "nobody@motcua.vn", "bac-ninh"], "Invalid value for EMAIL: no user"),
])
def test_grant_and_revoke_refusals(runner, args, message):
    factories.create_user("known@motcua.vn")
    result = _users(runner, *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_list_shows_roles_and_totp(runner, tenant_a, tenant_b):
    user = factories.create_user("list-me@motcua.vn", full_name="Lê Văn Liệt", tenant=tenant_a, role="admin")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    factories.create_user("list-ops@motcua.vn", operator=True)
    result = _users(runner, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "list-me@motcua.vn  Lê Văn Liệt  [totp]  bac-ninh:admin" in lines
    assert "list-ops@motcua.vn  Nguyễn Văn A  [operator]  -" in lines
    assert lines.index("list-me@motcua.vn  Lê Văn Liệt  [totp]  bac-ninh:admin") < lines.index(
        "list-ops@motcua.vn  Nguyễn Văn A  [operator]  -")


def test_reset_2fa_for_a_lost_phone(runner, db_session):
    user, _ = create_totp_user("mat-may@motcua.vn")
    result = _users(runner, "reset-2fa", "mat-may@motcua.vn")
    assert result.exit_code == 0 and "Two-step verification reset for mat-may@motcua.vn." in result.output
    db_session.refresh(user)
    assert not user.has_totp and user.totp_last_step is None
    [event] = db_session.scalars(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "totp_reset"))
    assert event.target_id == str(user.id)
    again = _users(runner, "reset-2fa", "mat-may@motcua.vn")
    assert again.exit_code == 2
    assert "Invalid value for EMAIL: mat-may@motcua.vn has no two-step verification to reset" in again.output
