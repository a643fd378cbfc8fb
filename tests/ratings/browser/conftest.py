"""The rating page in real Chromium runs against the e2e server (tests/e2e/conftest.py) and its database."""

from tests.e2e.conftest import browser, db_session, screenshots, site  # noqa: F401 - fixtures
