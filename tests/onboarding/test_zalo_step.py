"""Setup step 3 (/<slug>/setup/zalo): connect the OA by Zalo's permission page or by hand, against the
sandbox; the page shows the OA's name from Zalo and the webhook URL; the step is done once connected."""

from urllib.parse import urlsplit

import httpx
import pytest

from platform_core.extensions import db
from platform_core.onboarding import wizard
from platform_core.zalo.connection import get_connection
from tests.conftest import as_tenant
from tests.onboarding.wizard_support import setting_up, signed_in
from tests.zalo.conftest import sandbox  # noqa: F401 - fixture

URL = "/bac-ninh/setup/zalo"
OA_NAME = "Trung tâm Phục vụ hành chính công tỉnh Bắc Ninh"


@pytest.fixture
def admin(app, tenant_a):
    setting_up(tenant_a)
    client, _ = signed_in(app, "setup-zalo@bac-ninh.vn", tenant_a)
    return client


@pytest.fixture
def oa(sandbox):  # noqa: F811
    return sandbox.add_app("bac-ninh", oa_name=OA_NAME)


def step_done(tenant) -> bool:
    with as_tenant(tenant):
        return wizard.is_done("zalo")


def connection_of(tenant):
    with as_tenant(tenant):
        connection = get_connection()
        db.session.refresh(connection) if connection else None
        return connection


def manual(oa, tokens, **overrides) -> dict:
    values = {"app_id": oa.app_id, "app_secret": oa.app_secret, "oa_id": oa.oa_id,
              "oa_secret_key": oa.oa_secret_key, "access_token": tokens["access_token"],
              "refresh_token": tokens["refresh_token"], "submit": "y"} | overrides
    return {f"manual-{name}": value for name, value in values.items()}


def test_the_page_shows_the_webhook_url_and_both_ways_to_connect(admin, tenant_a):
    page = admin.get(URL).get_data(as_text=True)
    assert "/zalo/webhook/bac-ninh" in page and "Continue to Zalo" in page and "Connect with these tokens" in page
    assert "Step 3 of 7" in page
    assert not step_done(tenant_a)


def test_connecting_through_zalos_permission_page_comes_back_to_the_wizard(admin, sandbox, oa, tenant_a):  # noqa: F811
    start = admin.post(URL, data={"oauth-app_id": oa.app_id, "oauth-app_secret": oa.app_secret,
                                  "oauth-oa_secret_key": oa.oa_secret_key, "oauth-submit": "y"})
    assert start.status_code == 302 and start.headers["Location"].startswith(sandbox.oauth_url)
    callback = urlsplit(httpx.get(start.headers["Location"], follow_redirects=False).headers["Location"])
    back = admin.get(f"{callback.path}?{callback.query}")
    assert back.status_code == 302 and back.headers["Location"].endswith(URL)
    page = admin.get(URL).get_data(as_text=True)
    assert OA_NAME in page and "/zalo/webhook/bac-ninh" in page and "/bac-ninh/setup/catalogue" in page
    assert connection_of(tenant_a).status == "connected" and step_done(tenant_a)


def test_connecting_by_hand_asks_zalo_who_the_oa_is(admin, sandbox, oa, tenant_a):  # noqa: F811
    response = admin.post(URL, data=manual(oa, sandbox.mint_tokens(oa.app_id)), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"Zalo OA “{OA_NAME}” connected." in page and f"Connected to the Zalo OA “{OA_NAME}”" in page
    connection = connection_of(tenant_a)
    assert (connection.status, connection.oa_name, connection.oa_id) == ("connected", OA_NAME, oa.oa_id)
    assert sandbox.requests(path_contains="/v2.0/oa/getoa")
    assert step_done(tenant_a)


def test_a_token_zalo_refuses_is_a_form_error_and_nothing_is_stored(admin, sandbox, oa, tenant_a):  # noqa: F811
    response = admin.post(URL, data=manual(oa, sandbox.mint_tokens(oa.app_id), access_token="not-a-token"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Zalo refused the connection: The access token is invalid" in page
    assert "connect again with “Connect with Zalo”" in page
    assert connection_of(tenant_a) is None and not step_done(tenant_a)


def test_a_token_of_another_oa_is_refused(admin, sandbox, oa, tenant_a):  # noqa: F811
    other = sandbox.add_app("da-nang")
    response = admin.post(URL, data=manual(oa, sandbox.mint_tokens(other.app_id)))
    assert "belongs to another OA" in response.get_data(as_text=True)
    assert connection_of(tenant_a) is None


def test_missing_fields_are_shown_in_the_form(admin, tenant_a):
    response = admin.post(URL, data={"oauth-app_id": "abc", "oauth-submit": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Digits only" in page and "Enter the app secret key." in page and "Enter the OA secret key." in page


def test_going_back_keeps_what_was_entered(admin, sandbox, oa, tenant_a):  # noqa: F811
    admin.post(URL, data={"oauth-app_id": oa.app_id, "oauth-app_secret": oa.app_secret,
                          "oauth-oa_secret_key": oa.oa_secret_key, "oauth-submit": "y"})
    page = admin.get(URL).get_data(as_text=True)
    assert f'value="{oa.app_id}"' in page and "Leave empty to keep it" in page
    assert oa.app_secret not in page
    again = admin.post(URL, data={"oauth-app_id": oa.app_id, "oauth-submit": "y"})  # secrets kept
    assert again.status_code == 302 and again.headers["Location"].startswith(sandbox.oauth_url)


def test_officers_and_other_provinces_admins_get_404(app, tenant_a, tenant_b):
    setting_up(tenant_a)
    officer, _ = signed_in(app, "setup-officer@bac-ninh.vn", tenant_a, role="officer")
    other, _ = signed_in(app, "setup-admin@da-nang.vn", tenant_b)
    for client in (officer, other):
        assert client.get(URL).status_code == 404
        assert client.post(URL, data={"oauth-app_id": "1234567", "oauth-submit": "y"}).status_code == 404
