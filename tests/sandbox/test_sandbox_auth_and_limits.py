"""Token checks on the API hosts and the per-app per-minute rate limit with Zalo's headers."""

import httpx
import pytest

from tests.sandbox.conftest import Province

GETOA = "/v2.0/oa/getoa"


def test_missing_token_is_216_on_openapi_and_124_on_zns(zalo_sandbox):
    assert zalo_sandbox.http.get(zalo_sandbox.openapi_url + GETOA).json()["error"] == -216
    assert zalo_sandbox.http.get(zalo_sandbox.business_url + "/message/quota").json()["error"] == -124


def test_expired_token_is_220_or_216_when_switched(province):
    province.sandbox.advance_clock(90000 + 1)
    assert province.get("openapi", GETOA)["error"] == -220
    province.sandbox.settings(expired_token_error=-216)
    assert province.get("openapi", GETOA)["error"] == -216
    assert province.get("business", "/message/quota")["error"] == -124


def test_short_token_ttl_for_proactive_refresh_tests(zalo_sandbox):
    app = zalo_sandbox.add_app("bac-ninh")
    zalo_sandbox.settings(access_token_ttl_s=60)
    pair = zalo_sandbox.mint_tokens(app.app_id)
    assert pair["expires_in"] == "60"
    zalo_sandbox.advance_clock(61)
    assert Province(zalo_sandbox, app, pair["access_token"]).get("openapi", GETOA)["error"] == -220


def test_revoked_token_is_216(province):
    province.sandbox.revoke(province.app.app_id, "access")
    assert province.get("openapi", GETOA)["error"] == -216


def test_appsecret_proof_when_required(zalo_sandbox):
    import hashlib
    import hmac
    app = zalo_sandbox.add_app("bac-ninh", require_appsecret_proof=True)
    province = Province(zalo_sandbox, app, zalo_sandbox.mint_tokens(app.app_id)["access_token"])
    assert province.get("openapi", GETOA)["error"] == -242
    proof = hmac.new(app.app_secret.encode(), province.token.encode(), hashlib.sha256).hexdigest()
    assert province.raw("GET", "openapi", GETOA, headers={"appsecret_proof": proof}).json()["error"] == 0


def test_every_openapi_response_has_rate_limit_headers(province):
    ok = province.raw("GET", "openapi", GETOA)
    assert ok.headers["X-RateLimit-Limit"] == "4000" and ok.headers["X-RateLimit-Remain"] == "3999"
    error = province.sandbox.http.get(province.sandbox.openapi_url + GETOA)
    assert "X-RateLimit-Limit" in error.headers and "X-RateLimit-Remain" in error.headers


def test_over_budget_is_32_until_the_next_minute(province, zalo_sandbox):
    zalo_sandbox.set_clock("2026-03-02T10:15:30")
    zalo_sandbox.set_rate_limit(3)
    remains = [province.raw("GET", "openapi", GETOA).headers["X-RateLimit-Remain"] for _ in range(3)]
    assert remains == ["2", "1", "0"]
    over = province.raw("GET", "openapi", GETOA)
    assert over.json()["error"] == -32 and over.headers["X-RateLimit-Remain"] == "0"
    zalo_sandbox.advance_clock(29)  # 10:15:59, same minute
    assert province.get("openapi", GETOA)["error"] == -32
    zalo_sandbox.advance_clock(1)  # 10:16:00
    assert province.get("openapi", GETOA)["error"] == 0


def test_budgets_are_per_app(province, zalo_sandbox):
    zalo_sandbox.set_rate_limit(1, app_id=province.app.app_id)
    other = zalo_sandbox.add_app("da-nang")
    other_province = Province(zalo_sandbox, other, zalo_sandbox.mint_tokens(other.app_id)["access_token"])
    province.get("openapi", GETOA)
    assert province.get("openapi", GETOA)["error"] == -32
    assert other_province.get("openapi", GETOA)["error"] == 0


def test_artificial_latency(province):
    province.sandbox._call("POST", "/latency", json={"ms": 150})
    with pytest.raises(httpx.ReadTimeout):
        province.raw("GET", "openapi", GETOA, timeout=0.05)
