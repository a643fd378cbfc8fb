"""The console's Zalo page: status, the live quota from Zalo, the last error with its time, reconnecting."""

from datetime import timedelta

import pytest

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.zalo.connection import get_connection
from tests import factories
from tests.auth.support import isolated_client, sign_in
from tests.conftest import as_tenant
from tests.zalo.conftest import connect_to_sandbox

URL = "/bac-ninh/admin/zalo/"


@pytest.fixture
def admin(app, tenant_a):
    factories.create_user("zalo-page@bac-ninh.vn", tenant=tenant_a, role="admin")
    client = isolated_client(app)
    assert sign_in(client, "zalo-page@bac-ninh.vn").status_code == 302
    client.get("/?lang=en")
    return client


def test_a_connected_oa_shows_zalos_quota_in_the_console_frame(admin, sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox, oa_name="Trung tâm PVHCC Bắc Ninh")
    with as_tenant(tenant_a):
        get_connection().oa_name = seeded.oa_name
        db.session.flush()
    page = admin.get(URL).get_data(as_text=True)
    assert 'class="console__nav section-nav"' in page and "Trung tâm PVHCC Bắc Ninh" in page
    assert "ZNS messages left today" in page and "5000 of 5000" in page.replace(",", "")
    assert "Reconnect with Zalo" in page
    assert sandbox.requests(path_contains="/message/quota")


def test_when_zalo_refuses_the_quota_call_the_page_still_opens_and_says_why(admin, sandbox, tenant_a):
    connect_to_sandbox(tenant_a, sandbox)
    sandbox.inject_fault(path="/message/quota", error=-100)
    response = admin.get(URL)
    assert response.status_code == 200
    assert "Zalo did not tell us: Unknown error at Zalo" in response.get_data(as_text=True)


def test_the_last_error_is_shown_with_its_time(admin, sandbox, tenant_a):
    connect_to_sandbox(tenant_a, sandbox)
    with as_tenant(tenant_a):
        connection = get_connection()
        connection.status, connection.last_error = "reconnect_needed", "refresh failed: -14014 invalid refresh token"
        connection.last_error_at = utcnow()
        db.session.flush()
    page = admin.get(URL).get_data(as_text=True)
    assert "Reconnect needed" in page and "invalid refresh token" in page
    assert str(utcnow().year) in page.split("invalid refresh token")[1][:80]
    assert "ZNS messages left today" not in page  # not asked while the connection is broken


def test_not_connected_offers_to_connect(admin, tenant_a):
    page = admin.get(URL).get_data(as_text=True)
    assert "Not connected" in page and "Connect with Zalo" in page and "/zalo/webhook/bac-ninh" in page


def test_an_expired_token_that_zalo_will_not_refresh_is_not_shown_as_connected(admin, sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    with as_tenant(tenant_a):
        get_connection().access_expires_at = utcnow() - timedelta(minutes=5)
        db.session.flush()
    sandbox.inject_fault(path="/v4/oa/access_token", http_status=502, body="<html>bad gateway</html>")
    response = admin.get(URL)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Access token expired: messages cannot be sent" in page and ">Connected<" not in page
    with as_tenant(tenant_a):
        assert get_connection().last_error.startswith("refresh failed")  # the page's quota call tried and said so


def test_a_failed_refresh_of_a_still_valid_token_is_shown(admin, sandbox, tenant_a):
    connect_to_sandbox(tenant_a, sandbox)
    with as_tenant(tenant_a):
        connection = get_connection()
        connection.last_error, connection.last_error_at = "refresh failed: ZaloTransportError", utcnow()
        db.session.flush()
    page = admin.get(URL).get_data(as_text=True)
    assert "Token refresh failing" in page and ">Connected<" not in page
