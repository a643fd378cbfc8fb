"""Setup step 3's sandbox OA (zalo/sandbox_oa.py): the button exists only when the app runs against the Zalo
sandbox in development (ZALO_SANDBOX_URL, never in production), and one click creates the province's OA in
the sandbox and connects it through the OAuth flow, its secrets stored encrypted as a real connect stores them.
The journey over HTTP with the test message and a restart of the sandbox: test_zalo_sandbox_oa_e2e.py."""

from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import Text, select, type_coerce

from platform_core.config import load_settings
from platform_core.db import crypto
from platform_core.extensions import db
from platform_core.onboarding import wizard
from platform_core.zalo.connection import get_connection
from platform_core.zalo.models import ZaloConnection
from tests.conftest import TEST_ENCRYPTION_KEY, as_tenant
from tests.onboarding.wizard_support import setting_up, signed_in
from tests.zalo.conftest import sandbox  # noqa: F401 - fixture

URL = "/bac-ninh/setup/zalo"
BUTTON = "Create and connect a sandbox OA"
CLICK = {"sandbox-submit": "y"}


@pytest.fixture
def admin(app, tenant_a):
    setting_up(tenant_a)
    client, _ = signed_in(app, "setup-sandbox@bac-ninh.vn", tenant_a, full_name="Trần Thị Mai")
    return client


@pytest.fixture
def sandbox_mode(app, sandbox, monkeypatch):  # noqa: F811
    """As `make run` starts the app: development, against the sandbox."""
    monkeypatch.setitem(app.config, "ZALO_SANDBOX_URL", sandbox.base_url)
    monkeypatch.setitem(app.config, "PRODUCTION", False)
    return sandbox


def test_without_the_sandbox_setting_there_is_no_button_and_a_click_does_nothing(admin, sandbox, tenant_a):  # noqa: F811
    assert BUTTON not in admin.get(URL).get_data(as_text=True)
    response = admin.post(URL, data=CLICK)
    assert response.status_code == 200 and BUTTON not in response.get_data(as_text=True)
    assert sandbox.state.apps == {}
    with as_tenant(tenant_a):
        assert get_connection() is None


def test_in_sandbox_development_mode_the_button_is_there(admin, sandbox_mode):
    page = admin.get(URL).get_data(as_text=True)
    assert BUTTON in page and "Development: an OA in the Zalo sandbox" in page


def test_in_production_there_is_no_button_even_with_the_sandbox_setting(admin, sandbox_mode, app, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCTION", True)
    assert BUTTON not in admin.get(URL).get_data(as_text=True)
    admin.post(URL, data=CLICK)
    assert sandbox_mode.state.apps == {}


def test_production_settings_ignore_the_sandbox_address(monkeypatch, tmp_path):
    monkeypatch.setenv("ZALO_SANDBOX_URL", "http://127.0.0.1:5055")
    monkeypatch.setenv("MOTCUA_ENV", "development")
    assert load_settings(tmp_path)["ZALO_SANDBOX_URL"] == "http://127.0.0.1:5055"
    monkeypatch.setenv("MOTCUA_ENV", "production")
    assert load_settings(tmp_path)["ZALO_SANDBOX_URL"] is None


def test_one_click_creates_the_sandbox_oa_and_connects_it_as_oauth_does(admin, sandbox_mode, tenant_a):
    start = admin.post(URL, data=CLICK)
    assert start.status_code == 302 and start.headers["Location"].startswith(sandbox_mode.oauth_url)
    (app,) = sandbox_mode.state.apps.values()
    assert app.slug == "bac-ninh" and app.webhook_url.endswith("/zalo/webhook/bac-ninh")
    assert [user.display_name for user in sandbox_mode.state.users_of(app.oa_id)] == ["Trần Thị Mai"]

    callback = urlsplit(httpx.get(start.headers["Location"], follow_redirects=False).headers["Location"])
    back = admin.get(f"{callback.path}?{callback.query}")
    assert back.status_code == 302 and back.headers["Location"].endswith(URL)
    page = admin.get(URL).get_data(as_text=True)
    assert "Connected to the Zalo OA “Bắc Ninh”" in page and "/bac-ninh/setup/catalogue" in page
    with as_tenant(tenant_a):
        connection = get_connection()
        assert (connection.status, connection.app_id, connection.oa_id) == ("connected", app.app_id, app.oa_id)
        assert (connection.app_secret, connection.oa_secret_key) == (app.app_secret, app.oa_secret_key)
        stored = select(*(type_coerce(getattr(ZaloConnection, name), Text) for name in
                          ("app_secret", "oa_secret_key", "access_token", "refresh_token")))
        raw = db.session.execute(stored).one()
        assert wizard.is_done("zalo")
    assert all(value and value.startswith(crypto.fingerprint(TEST_ENCRYPTION_KEY) + ":") for value in raw)
    assert app.app_secret not in raw and app.oa_secret_key not in raw


def test_a_second_click_reuses_the_provinces_sandbox_oa(admin, sandbox_mode):
    admin.post(URL, data=CLICK)
    admin.post(URL, data=CLICK)
    assert len(sandbox_mode.state.apps) == 1


def test_a_sandbox_that_does_not_answer_is_said_on_the_page(admin, app, tenant_a, monkeypatch):
    monkeypatch.setitem(app.config, "ZALO_SANDBOX_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setitem(app.config, "PRODUCTION", False)
    response = admin.post(URL, data=CLICK)
    assert response.status_code == 200
    assert "The Zalo sandbox at http://127.0.0.1:9 does not answer" in response.get_data(as_text=True)
    with as_tenant(tenant_a):
        assert get_connection() is None
