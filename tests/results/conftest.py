"""Signed-in console members for the results tests."""

from tests.console.support import admin_a, admin_b, officer_a  # noqa: F401 - shared fixtures
