"""Signed-in clients for the province console's tests (officers and admins of tenant A and B)."""

from dataclasses import dataclass

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
