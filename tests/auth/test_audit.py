"""Every sign-in event leaves an audit row (ASVS 16.3.1), committed even when the attempt fails."""

from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from tests import factories
from tests.auth.support import code_at, create_totp_user, sign_in


def _events(db_session, action: str) -> list[PlatformAuditEvent]:
    return list(db_session.scalars(select(PlatformAuditEvent).where(PlatformAuditEvent.action == action)))


def test_failed_login_records_the_email_tried_but_never_the_password(client, db_session):
    client.environ_base["HTTP_USER_AGENT"] = "AuditTest/1.0"
    sign_in(client, "Ghost@Motcua.vn", "hunter2-hunter2")
    [event] = _events(db_session, "login_failed")
    assert event.details["email"] == "ghost@motcua.vn"
    assert event.ip_address == client.environ_base["REMOTE_ADDR"]
    assert event.user_agent == "AuditTest/1.0"
    row = " ".join(str(value) for value in vars(event).values())
    assert "hunter2" not in row


def test_wrong_password_names_the_account_as_target(client, db_session):
    user = factories.create_user("sai@motcua.vn")
    sign_in(client, "sai@motcua.vn", "wrong-password-123")
    [event] = _events(db_session, "login_failed")
    assert event.target_id == str(user.id)
    assert event.actor_id is None


def test_successful_login_and_logout_are_recorded(client, db_session):
    user = factories.create_user("ok@motcua.vn")
    sign_in(client, "ok@motcua.vn")
    client.post("/logout")
    [login] = _events(db_session, "login_succeeded")
    [logout] = _events(db_session, "logout")
    assert login.actor_id == logout.actor_id == user.id
    db_session.refresh(user)
    assert user.last_login_at is not None


def test_totp_sign_in_records_failure_then_success(client, db_session):
    user, secret = create_totp_user("hai-buoc@motcua.vn")
    sign_in(client, "hai-buoc@motcua.vn")
    client.post("/login/verify", data={"code": f"{(int(code_at(secret)) + 1) % 1_000_000:06d}"})
    client.post("/login/verify", data={"code": code_at(secret)})
    assert [e.target_id for e in _events(db_session, "totp_failed")] == [str(user.id)]
    [login] = _events(db_session, "login_succeeded")
    assert login.details == {"second_factor": True}
    assert _events(db_session, "login_failed") == []
