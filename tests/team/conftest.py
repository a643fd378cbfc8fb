from tests.console.support import admin_a, admin_b, csrf_on, officer_a  # noqa: F401 - shared fixtures
