"""oauth.zaloapp.com in the sandbox: the permission redirect, both grants, PKCE, single-use tokens."""

import secrets
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

import pytest

from platform_core.sandbox.tokens import pkce_challenge


@pytest.fixture
def zapp(zalo_sandbox):
    return zalo_sandbox.add_app("bac-ninh")


def token_call(zalo_sandbox, zapp, secret=None, **form):
    return zalo_sandbox.http.post(f"{zalo_sandbox.oauth_url}/v4/oa/access_token", data={"app_id": zapp.app_id, **form},
                      headers={"secret_key": zapp.app_secret if secret is None else secret}).json()


def test_permission_redirects_with_code_oa_id_and_state(zalo_sandbox, zapp):
    response = zalo_sandbox.http.get(f"{zalo_sandbox.oauth_url}/v4/oa/permission", params={
        "app_id": zapp.app_id, "redirect_uri": "https://motcua.test/cb", "code_challenge": "x", "state": "s1"})
    assert response.status_code == 302
    location = urlsplit(response.headers["location"])
    query = parse_qs(location.query)
    assert location.netloc == "motcua.test"
    assert query["oa_id"] == [zapp.oa_id] and query["state"] == ["s1"] and query["code"][0]


def test_permission_error_switch_redirects_to_the_error_page(zalo_sandbox, zapp):
    zalo_sandbox.settings(permission_error=True)
    response = zalo_sandbox.http.get(f"{zalo_sandbox.oauth_url}/v4/oa/permission",
                         params={"app_id": zapp.app_id, "redirect_uri": "https://motcua.test/cb"})
    assert "error_code=-14003" in response.headers["location"]


def test_code_with_pkce_gives_top_level_tokens_with_string_expiry(zalo_sandbox, zapp):
    verifier = secrets.token_urlsafe(32)[:43]
    code = zalo_sandbox.auth_code(zapp.app_id, pkce_challenge(verifier))
    body = token_call(zalo_sandbox, zapp, grant_type="authorization_code", code=code, code_verifier=verifier)
    assert set(body) == {"access_token", "refresh_token", "expires_in"}
    assert body["expires_in"] == "90000"


def test_pkce_challenge_is_unpadded_base64url_sha256():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636 appendix B
    assert pkce_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_wrong_verifier_is_refused(zalo_sandbox, zapp):
    code = zalo_sandbox.auth_code(zapp.app_id, pkce_challenge("a" * 43))
    body = token_call(zalo_sandbox, zapp, grant_type="authorization_code", code=code, code_verifier="b" * 43)
    assert body["error_name"] == "invalid_code_verifier" and "access_token" not in body


def test_code_is_single_use(zalo_sandbox, zapp):
    code = zalo_sandbox.auth_code(zapp.app_id)
    assert "access_token" in token_call(zalo_sandbox, zapp, grant_type="authorization_code", code=code)
    again = token_call(zalo_sandbox, zapp, grant_type="authorization_code", code=code)
    assert again["error"] < 0 and again["error_name"] == "invalid_code"


def test_code_expires_after_ten_minutes(zalo_sandbox, zapp):
    code = zalo_sandbox.auth_code(zapp.app_id)
    zalo_sandbox.advance_clock(10 * 60 + 1)
    assert token_call(zalo_sandbox, zapp, grant_type="authorization_code", code=code)["error_name"] == "invalid_code"


def test_refresh_token_is_single_use_and_invalidated_on_success(zalo_sandbox, zapp):
    first = zalo_sandbox.mint_tokens(zapp.app_id)
    second = token_call(zalo_sandbox, zapp, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second["refresh_token"] != first["refresh_token"]
    reused = token_call(zalo_sandbox, zapp, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused["error_name"] == "invalid_refresh_token"
    third = token_call(zalo_sandbox, zapp, grant_type="refresh_token", refresh_token=second["refresh_token"])
    assert "access_token" in third


def test_refresh_token_expires_after_three_months(zalo_sandbox, zapp):
    pair = zalo_sandbox.mint_tokens(zapp.app_id)
    zalo_sandbox.advance_clock(91 * 24 * 3600)
    body = token_call(zalo_sandbox, zapp, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    assert body["error_name"] == "invalid_refresh_token"


@pytest.mark.parametrize("secret", ["", "wrong"])
def test_secret_key_header_must_match(zalo_sandbox, zapp, secret):
    pair = zalo_sandbox.mint_tokens(zapp.app_id)
    body = token_call(zalo_sandbox, zapp, secret=secret, grant_type="refresh_token",
                      refresh_token=pair["refresh_token"])
    assert body["error_name"] == "invalid_secret_key"


def test_errors_are_http_200_by_default_and_400_when_switched(zalo_sandbox, zapp):
    url = f"{zalo_sandbox.oauth_url}/v4/oa/access_token"
    assert zalo_sandbox.http.post(url, data={"app_id": "nope"}).status_code == 200
    zalo_sandbox.settings(oauth_error_http_status=400)
    response = zalo_sandbox.http.post(url, data={"app_id": "nope"})
    assert response.status_code == 400
    assert set(response.json()) == {"error", "error_name", "error_reason", "error_description"}


def test_tokens_of_one_app_do_not_refresh_another(zalo_sandbox, zapp):
    other = zalo_sandbox.add_app("da-nang")
    pair = zalo_sandbox.mint_tokens(other.app_id)
    body = token_call(zalo_sandbox, zapp, grant_type="refresh_token", refresh_token=pair["refresh_token"])
    assert body["error_name"] == "invalid_refresh_token"


def test_concurrent_refreshes_with_one_token_have_exactly_one_winner(zalo_sandbox, zapp):
    refresh = zalo_sandbox.mint_tokens(zapp.app_id)["refresh_token"]
    with ThreadPoolExecutor(max_workers=8) as pool:
        bodies = list(pool.map(lambda _: token_call(zalo_sandbox, zapp, grant_type="refresh_token",
                                                    refresh_token=refresh), range(8)))
    assert sum("access_token" in body for body in bodies) == 1
