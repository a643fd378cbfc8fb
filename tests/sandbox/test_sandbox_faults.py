"""Injected faults: host-shaped errors, HTML 5xx, invalid JSON, connection resets, slow answers."""

import httpx
import pytest


@pytest.fixture
def zapp(zalo_sandbox):
    return zalo_sandbox.add_app("bac-ninh")


@pytest.fixture
def getoa(zalo_sandbox, zapp):
    token = zalo_sandbox.mint_tokens(zapp.app_id)["access_token"]
    url = f"{zalo_sandbox.openapi_url}/v2.0/oa/getoa"
    return lambda **kw: zalo_sandbox.http.get(url, headers={"access_token": token}, **kw)


def test_error_fault_answers_n_times_then_lets_calls_through(zalo_sandbox, getoa):
    zalo_sandbox.inject_fault(path="/getoa", error=-216, times=2)
    assert [getoa().json()["error"] for _ in range(3)] == [-216, -216, 0]


def test_fault_matches_on_app(zalo_sandbox, zapp, getoa):
    zalo_sandbox.inject_fault(app_id="someone-else", error=-32)
    assert getoa().json()["error"] == 0
    zalo_sandbox.inject_fault(app_id=zapp.app_id, error=-32)
    assert getoa().json()["error"] == -32


def test_html_5xx_fault(zalo_sandbox, getoa):
    zalo_sandbox.inject_fault(host="openapi.zalo.me", http_status=502, body="<html><h1>502 Bad Gateway</h1></html>")
    response = getoa()
    assert response.status_code == 502 and response.headers["content-type"].startswith("text/html")


def test_invalid_json_fault(zalo_sandbox, getoa):
    zalo_sandbox.inject_fault(path="/getoa", invalid_json=True)
    with pytest.raises(ValueError):
        getoa().json()


def test_connection_reset_fault(zalo_sandbox, getoa):
    zalo_sandbox.inject_fault(path="/getoa", reset=True)
    with pytest.raises(httpx.TransportError):
        getoa()
    assert getoa().json()["error"] == 0


def test_slow_fault_trips_a_client_timeout(zalo_sandbox, getoa):
    zalo_sandbox.inject_fault(path="/getoa", delay_ms=500)
    with pytest.raises(httpx.ReadTimeout):
        getoa(timeout=0.1)


def test_oauth_fault_has_the_oauth_error_shape(zalo_sandbox, zapp):
    zalo_sandbox.inject_fault(host="oauth", error=-14014, error_name="invalid_grant")
    body = zalo_sandbox.http.post(f"{zalo_sandbox.oauth_url}/v4/oa/access_token", data={"app_id": zapp.app_id}).json()
    assert body["error_name"] == "invalid_grant" and "error_description" in body and "access_token" not in body
