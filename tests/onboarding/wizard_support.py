"""Helpers for the setup wizard's tests (steps zalo, test message, go-live): a province being set up, its
first admin signed in, and the console page language set to English (the Vietnamese catalogue is filled when
branches are merged)."""

from tests import factories
from tests.auth.support import isolated_client, sign_in
from tests.delivery.trial_support import put_in_trial


def setting_up(tenant, status: str = "onboarding"):
    """The tenant as the wizard finds it: invitation accepted, not live."""
    put_in_trial(tenant, status)
    return tenant


def signed_in(app, email: str, tenant, role: str = "admin", full_name: str = "Trần Thị Mai"):
    user = factories.create_user(email, full_name=full_name, tenant=tenant, role=role)
    client = isolated_client(app)
    assert sign_in(client, email).status_code == 302
    client.get("/?lang=en")
    return client, user
