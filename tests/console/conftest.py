import pytest

from tests.console.support import signed_in_member


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
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
