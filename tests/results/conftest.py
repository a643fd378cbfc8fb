"""Signed-in console members and the sandbox-pointed app for the results tests."""

from tests.console.support import admin_a, admin_b, officer_a  # noqa: F401 - shared fixtures
from tests.zalo.conftest import connected_a, sandbox  # noqa: F401 - fixtures
