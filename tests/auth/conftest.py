import pytest

from tests.auth.support import cheap_password_hashing, isolated_client  # noqa: F401 - fixture
from tests.web.catalogues import compile_catalogues


def pytest_configure(config):
    compile_catalogues()


@pytest.fixture
def client(app):
    return isolated_client(app)
