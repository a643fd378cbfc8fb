"""Helpers for tests that sign in through the web UI."""

import re
from datetime import UTC, datetime

import pyotp

from platform_core.auth.models import Membership
from platform_core.extensions import db
from tests import factories
from tests.clients import fresh_address, isolated_client  # noqa: F401 - re-exported for the auth tests


def add_membership(user, tenant, role: str) -> None:
    db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role=role))
    db.session.flush()
    db.session.expire(user, ["memberships"])


def create_totp_user(email: str, **fields):
    """(user, secret): a user with TOTP already enrolled."""
    user = factories.create_user(email, **fields)
    secret = pyotp.random_base32()
    user.totp_secret = secret
    db.session.flush()
    return user, secret


def code_at(secret: str, steps_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(datetime.now(UTC), counter_offset=steps_from_now)


def sign_in(client, email: str, password: str = factories.DEFAULT_PASSWORD, **kwargs):
    return client.post("/login", data={"email": email, "password": password}, **kwargs)


def sign_in_with_totp(client, email: str, secret: str, password: str = factories.DEFAULT_PASSWORD):
    first = sign_in(client, email, password)
    assert first.headers["Location"].endswith("/login/verify"), first.status
    return client.post("/login/verify", data={"code": code_at(secret)})


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in the page"
    return match.group(1)


RECOVERY_CODE = re.compile(r"<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code></li>")


def recovery_codes_on(html: str) -> list[str]:
    return RECOVERY_CODE.findall(html)


def save_recovery_codes(client, page: str = "/account/recovery-codes/new") -> str:
    """Read the new codes on `page`, confirm they are saved; returns where that leads."""
    assert len(recovery_codes_on(client.get(page).get_data(as_text=True))) == 10
    return client.post(page, data={"saved": "y"}).headers["Location"]


def signed_in_english(app, email: str):
    """A client of its own, signed in as `email`, with the English UI (pages asserted by their English words)."""
    client = isolated_client(app)
    sign_in(client, email)
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client
