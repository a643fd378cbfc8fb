"""Sessions are revoked server-side (issue 12 item 9): sign-out, a password change, a 2FA reset and a role
change end every session of the user, so a copied session cookie stops working at once (it used to work
for the cookie's 8 hours)."""

import pytest

from platform_core.auth import service
from platform_core.extensions import db
from tests import factories
from tests.auth.support import add_membership, create_totp_user, isolated_client, sign_in, sign_in_with_totp
from tests.console.support import signed_in_member

PROVINCE_HOME = "/bac-ninh/admin/"
NEW_PASSWORD = "mot-cua-new-password-2026"


def copy_of(app, client):
    """Another browser holding `client`'s session cookie, from the same address (so only revocation, not
    Flask-Login's session protection, can stop it)."""
    thief = isolated_client(app)
    thief.environ_base["REMOTE_ADDR"] = client.environ_base["REMOTE_ADDR"]
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(response) -> bool:
    return response.status_code == 200


def console(client):
    return client.get(PROVINCE_HOME)


@pytest.fixture
def officer(app, tenant_a):
    member = signed_in_member(app, tenant_a, "officer", email="phien@bacninh.gov.vn")
    assert signed_in(console(member.client))
    return member


def test_a_copied_cookie_stops_working_after_sign_out(app, officer):
    thief = copy_of(app, officer.client)
    assert signed_in(console(thief))  # the copy works while the session lives
    officer.client.post("/logout")
    assert console(thief).headers["Location"].startswith("/login")


def test_sign_out_ends_the_users_other_sessions_too(app, officer):
    other_browser = isolated_client(app)
    assert sign_in(other_browser, officer.user.email).status_code == 302
    officer.client.post("/logout")
    assert console(other_browser).headers["Location"].startswith("/login")


def test_a_password_change_ends_every_session_and_the_new_password_works(app, officer):
    thief = copy_of(app, officer.client)
    service.set_password(officer.user, NEW_PASSWORD)
    db.session.flush()
    assert console(officer.client).headers["Location"].startswith("/login")
    assert console(thief).headers["Location"].startswith("/login")
    assert sign_in(officer.client, officer.user.email, NEW_PASSWORD).status_code == 302
    assert signed_in(console(officer.client))


def test_set_password_from_the_cli_refuses_a_weak_one_and_revokes_on_success(app, runner, officer):
    refused = runner.invoke(args=["users", "set-password", officer.user.email, "--password", "123"])
    assert refused.exit_code != 0 and "--password" in refused.output
    assert signed_in(console(officer.client))
    done = runner.invoke(args=["users", "set-password", officer.user.email, "--password", NEW_PASSWORD])
    assert done.exit_code == 0, done.output
    assert console(officer.client).headers["Location"].startswith("/login")


def test_a_2fa_reset_ends_the_members_sessions(app, tenant_a):
    admin = signed_in_member(app, tenant_a, "admin", email="chu-tich@bacninh.gov.vn")
    user, secret = create_totp_user("mat-dien-thoai@bacninh.gov.vn")
    add_membership(user, tenant_a, "officer")
    victim = isolated_client(app)
    assert sign_in_with_totp(victim, user.email, secret).status_code == 302
    thief = copy_of(app, victim)
    assert signed_in(console(thief))
    assert admin.client.post(f"/bac-ninh/admin/team/{user.id}/reset-2fa").status_code == 302
    assert console(victim).headers["Location"].startswith("/login")
    assert console(thief).headers["Location"].startswith("/login")


def test_a_role_change_ends_the_members_sessions(app, tenant_a, officer):
    admin = signed_in_member(app, tenant_a, "admin", email="giam-doc@bacninh.gov.vn")
    thief = copy_of(app, officer.client)
    assert admin.client.post(f"/bac-ninh/admin/team/{officer.user.id}/role", data={"role": "admin"}).status_code == 302
    assert console(officer.client).headers["Location"].startswith("/login")
    assert console(thief).headers["Location"].startswith("/login")
    assert signed_in(console(admin.client))  # the admin who made the change is not signed out


def test_a_first_role_in_another_province_keeps_the_user_signed_in(app, officer, tenant_b):
    service.grant_role(officer.user, tenant_b, "officer")
    db.session.flush()
    assert signed_in(console(officer.client))


def test_a_cookie_from_before_session_versions_signs_in_again(app, officer):
    with officer.client.session_transaction() as session:
        session["_user_id"] = str(officer.user.id)
    assert console(officer.client).headers["Location"].startswith("/login")


def test_a_version_the_user_never_had_is_anonymous(app):
    client = isolated_client(app)
    with client.session_transaction() as session:
        session["_user_id"] = f"{factories.create_user('tam-thoi@motcua.vn').id}.7"
    assert console(client).headers["Location"].startswith("/login")
