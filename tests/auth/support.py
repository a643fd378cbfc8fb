"""Helpers for tests that sign in through the web UI."""

import contextvars
import itertools
import re
from datetime import UTC, datetime

import pyotp
import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient

from platform_core.auth import passwords
from platform_core.auth.models import Membership
from platform_core.extensions import db
from tests import factories

_addresses = itertools.count(1)


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    The autouse db_session fixture keeps an app context pushed for the whole test, and Flask reuses it for
    requests, so `g` (Flask-Login's cached user, the tenant) would otherwise leak from one request to the next.
    The requests still share the test's rolled-back connection.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Argon2id at production cost takes ~0.3 s a hash; these tests exercise the flow, not the cost."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def fresh_address() -> str:
    """An IP address no other test in this run uses, so rate-limit counters never spill over."""
    number = next(_addresses)
    return f"10.77.{number // 250}.{number % 250 + 1}"


def isolated_client(app) -> IsolatedClient:
    client = IsolatedClient(app, app.response_class, use_cookies=True)
    client.environ_base["REMOTE_ADDR"] = fresh_address()
    return client


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
