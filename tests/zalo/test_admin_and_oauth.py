"""The province admin's Zalo page and the OAuth v4 connect flow, through the web and the sandbox."""

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from platform_core.zalo.connection import get_connection
from tests import factories
from tests.auth.support import add_membership, isolated_client, sign_in
from tests.conftest import as_tenant


@pytest.fixture
def admin_client(app, tenant_a):
    user = factories.create_user("zalo-admin@bac-ninh.vn")
    add_membership(user, tenant_a, "admin")
    client = isolated_client(app)
    assert sign_in(client, "zalo-admin@bac-ninh.vn").status_code == 302
    return client


def save_credentials_via_form(client, seeded):
    return client.post("/bac-ninh/admin/zalo/", data={
        "app_id": seeded.app_id, "app_secret": seeded.app_secret, "oa_id": seeded.oa_id,
        "oa_secret_key": seeded.oa_secret_key,
    })


def test_page_shows_masked_secrets_and_the_webhook_url(admin_client, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    assert save_credentials_via_form(admin_client, seeded).status_code == 302
    html = admin_client.get("/bac-ninh/admin/zalo/").get_data(as_text=True)
    assert seeded.app_id in html and "/zalo/webhook/bac-ninh" in html
    assert seeded.app_secret not in html and seeded.oa_secret_key not in html


def test_empty_secret_fields_keep_the_stored_values(admin_client, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    save_credentials_via_form(admin_client, seeded)
    admin_client.post("/bac-ninh/admin/zalo/", data={"app_id": seeded.app_id, "app_secret": "",
                                                     "oa_id": seeded.oa_id, "oa_secret_key": ""})
    with as_tenant(tenant_a):
        assert get_connection().app_secret == seeded.app_secret


def test_bad_app_id_is_a_form_error(admin_client, tenant_a):
    html = admin_client.post("/bac-ninh/admin/zalo/", data={"app_id": "abc"}).get_data(as_text=True)
    assert 'class="field__error"' in html
    with as_tenant(tenant_a):
        assert get_connection() is None


def test_officers_and_other_tenants_admins_get_404(app, tenant_a, tenant_b):
    officer = factories.create_user("officer@bac-ninh.vn")
    add_membership(officer, tenant_a, "officer")
    other_admin = factories.create_user("admin@da-nang.vn")
    add_membership(other_admin, tenant_b, "admin")
    for email in ("officer@bac-ninh.vn", "admin@da-nang.vn"):
        client = isolated_client(app)
        sign_in(client, email)
        assert client.get("/bac-ninh/admin/zalo/").status_code == 404


def test_oauth_flow_connects_the_oa(admin_client, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh", oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    save_credentials_via_form(admin_client, seeded)
    start = admin_client.post("/bac-ninh/admin/zalo/connect")
    permission_url = start.headers["Location"]
    query = parse_qs(urlsplit(permission_url).query)
    assert permission_url.startswith(sandbox.oauth_url + "/v4/oa/permission")
    assert query["app_id"] == [seeded.app_id] and query["code_challenge"][0] and query["state"][0]
    consent = httpx.get(permission_url, follow_redirects=False)
    callback = urlsplit(consent.headers["Location"])
    assert callback.path == "/zalo/oauth/callback"
    done = admin_client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302 and done.headers["Location"].endswith("/bac-ninh/admin/zalo/")
    with as_tenant(tenant_a):
        connection = get_connection()
        assert (connection.status, connection.oa_name) == ("connected", "Trung tâm PVHCC tỉnh Bắc Ninh")
        assert connection.access_token and connection.refresh_token
    [exchange] = sandbox.requests(path_contains="/v4/oa/access_token")
    assert "code_verifier" in exchange["body"]


def test_callback_with_a_forged_state_is_400(admin_client, sandbox, tenant_a):
    assert admin_client.get("/zalo/oauth/callback?code=x&oa_id=1&state=forged").status_code == 400


def test_callback_for_a_tenant_the_user_does_not_administer_is_404(app, sandbox, tenant_a, tenant_b):
    seeded = sandbox.add_app("bac-ninh")
    admin = factories.create_user("a@bac-ninh.vn")
    add_membership(admin, tenant_a, "admin")
    intruder = factories.create_user("b@da-nang.vn")
    add_membership(intruder, tenant_b, "admin")
    client_a = isolated_client(app)
    sign_in(client_a, "a@bac-ninh.vn")
    save_credentials_via_form(client_a, seeded)
    permission_url = client_a.post("/bac-ninh/admin/zalo/connect").headers["Location"]
    callback = urlsplit(httpx.get(permission_url).headers["Location"])
    client_b = isolated_client(app)
    sign_in(client_b, "b@da-nang.vn")
    assert client_b.get(f"{callback.path}?{callback.query}").status_code == 404
    with as_tenant(tenant_a):
        assert get_connection().access_token is None


def test_a_callback_used_twice_is_refused(admin_client, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    save_credentials_via_form(admin_client, seeded)
    permission_url = admin_client.post("/bac-ninh/admin/zalo/connect").headers["Location"]
    callback = urlsplit(httpx.get(permission_url).headers["Location"])
    assert admin_client.get(f"{callback.path}?{callback.query}").status_code == 302
    assert admin_client.get(f"{callback.path}?{callback.query}").status_code == 400


def test_a_refused_connection_says_what_is_wrong_and_what_to_do_without_zalos_raw_message(admin_client, sandbox,
                                                                                         tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    save_credentials_via_form(admin_client, seeded)
    sandbox.inject_fault(host="oauth", path="/v4/oa/access_token", error=-14002, error_name="invalid_secret_key",
                         message="secret_key header is missing or does not match the app")
    permission_url = admin_client.post("/bac-ninh/admin/zalo/connect").headers["Location"]
    callback = urlsplit(httpx.get(permission_url).headers["Location"])
    page = admin_client.get(f"{callback.path}?{callback.query}&lang=vi", follow_redirects=True).get_data(as_text=True)
    assert "Zalo từ chối kết nối: Zalo không cấp quyền truy cập cho ứng dụng của tỉnh" in page
    assert "(mã -14002)" in page and page.count("-14002") == 1
    assert "Kiểm tra App ID và khoá bí mật (App Secret)" in page
    assert "secret_key header" not in page
    with as_tenant(tenant_a):
        assert get_connection().access_token is None
