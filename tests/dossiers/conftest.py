"""The service tests run in tenant A's context (the API tests enter it through the key)."""

import pytest

from tests.conftest import as_tenant


@pytest.fixture
def in_a(tenant_a):
    with as_tenant(tenant_a):
        yield tenant_a
