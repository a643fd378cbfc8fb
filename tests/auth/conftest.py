import pytest

from tests.auth.support import isolated_client
from tests.web.catalogues import compile_catalogues


def pytest_configure(config):
    compile_catalogues()


@pytest.fixture
def client(app):
    return isolated_client(app)
