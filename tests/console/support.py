"""Signed-in clients for the province console's tests (officers and admins of tenants A and B), as helpers
and as fixtures. The console's test folders import the fixtures in their conftest.py; modules elsewhere
(tests/apikeys) import them directly."""

from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient

from platform_core.auth.models import User
from tests import factories
from tests.auth.support import add_membership, isolated_client, sign_in


@dataclass
class Member:
    client: FlaskClient
    user: User


def signed_in_member(app, tenant, role: str, email: str | None = None) -> Member:
    """A new user with `role` in `tenant`, signed in on their own client."""
    user = factories.create_user(email or f"{role}-{tenant.slug}@motcua.test", full_name=f"{role} {tenant.name}")
    add_membership(user, tenant, role)
    client = isolated_client(app)
    assert sign_in(client, user.email).status_code == 302
    return Member(client, user)


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def admin_a(app, tenant_a):
    return signed_in_member(app, tenant_a, "admin")


@pytest.fixture
def officer_a(app, tenant_a):
    return signed_in_member(app, tenant_a, "officer")


@pytest.fixture
def admin_b(app, tenant_b):
    return signed_in_member(app, tenant_b, "admin")


@pytest.fixture
def csrf_on(app, monkeypatch):
    """CSRF protection as in production (the test configuration turns it off)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
