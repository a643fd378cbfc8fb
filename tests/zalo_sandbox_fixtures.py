"""Fixtures that run the Zalo sandbox server (platform_core/sandbox) for everything Zalo-facing.

- `zalo_sandbox_server` (session): the sandbox on a free 127.0.0.1 port in a background thread.
- `zalo_sandbox` (per test): the same server with its state reset, as a `ZaloSandbox` handle that drives the
  control API (`/_fake/*`) over HTTP. Point the client under test at `oauth_url`, `openapi_url`,
  `business_url`. Example:

      app = zalo_sandbox.add_app("bac-ninh", webhook_url=live_url + "/zalo/webhook/bac-ninh")
      tokens = zalo_sandbox.mint_tokens(app.app_id)
      citizen = zalo_sandbox.add_user(app.app_id, display_name="Nguyễn Văn An", phone="0912345678")
      zalo_sandbox.inject_fault(path="/message/cs", error=-216)
"""

import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from platform_core.sandbox.server import SandboxServer


@dataclass(frozen=True)
class SandboxApp:
    """The credentials `add_app` seeded: what a tenant's Zalo settings would hold."""
    app_id: str
    app_secret: str
    oa_id: str
    oa_secret_key: str
    webhook_url: str
    slug: str
    oa_name: str


class ZaloSandbox:
    def __init__(self, server: SandboxServer, http: httpx.Client | None = None):
        """`http`: a client for the sandbox's address to use (and not close); without it the handle makes its own."""
        self.server = server
        self.base_url = server.base_url
        self.oauth_url = f"{self.base_url}/oauth"
        self.openapi_url = f"{self.base_url}/openapi"
        self.business_url = f"{self.base_url}/business"
        self.http = http or httpx.Client(base_url=self.base_url, timeout=10)

    @property
    def state(self):
        """The in-memory state, for assertions the control API does not cover (read it, don't mutate it)."""
        return self.server.state

    def _call(self, method: str, path: str, **kwargs):
        response = self.http.request(method, f"/_fake{path}", **kwargs)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self._call("POST", "/reset")

    # --- seeding ----------------------------------------------------------------------------------------

    def add_app(self, slug_or_app_id: str, *, webhook_url: str | None = None, **fields) -> SandboxApp:
        """An app and its OA. A string of digits is taken as the app_id, anything else as the slug.
        Other fields: app_secret, oa_secret_key, oa_id, oa_name, permissions, oa={oa_type, is_verified, ...}."""
        key = "app_id" if slug_or_app_id.isdigit() else "slug"
        body = {key: slug_or_app_id, "webhook_url": webhook_url or "", **fields}
        app = self._call("POST", "/apps", json=body)
        return SandboxApp(app["app_id"], app["app_secret"], app["oa_id"], app["oa_secret_key"],
                          app["webhook_url"], app["slug"], app["oa"]["name"])

    def mint_tokens(self, app_id: str) -> dict:
        """{"access_token", "refresh_token", "expires_in": "90000", "oa_id"} without the browser flow."""
        return self._call("POST", f"/apps/{app_id}/tokens")

    def auth_code(self, app_id: str, code_challenge: str = "") -> str:
        return self._call("POST", f"/apps/{app_id}/code", json={"code_challenge": code_challenge})["code"]

    def add_user(self, app_or_oa_id: str, **fields) -> dict:
        """A citizen of the app's (or OA's) OA: display_name, phone, user_id, is_follower, last_interaction
        ('now', ms, ISO, or negative seconds from now), blocked, banned, zns_reachable, tags..."""
        owner = "app_id" if app_or_oa_id in self.state.apps else "oa_id"
        return self._call("POST", "/users", json={owner: app_or_oa_id, **fields})

    def add_users(self, app_or_oa_id: str, count: int, **fields) -> list[str]:
        """`count` citizens sharing `fields` (is_follower, last_interaction...), in one call; their user ids."""
        owner = "app_id" if app_or_oa_id in self.state.apps else "oa_id"
        return self._call("POST", "/users", json={owner: app_or_oa_id, "count": count, **fields})["user_ids"]

    def add_template(self, template_id: str | None = None, **fields) -> dict:
        """A ZNS template: listParams=[{name, require, type, maxLength}], status, templateTag, night_restricted."""
        body = {**({"template_id": template_id} if template_id else {}), **fields}
        return self._call("POST", "/templates", json=body)

    # --- steering -------------------------------------------------------------------------------------------

    def inject_fault(self, *, times: int = 1, delay_ms: int = 0, host=None, path=None, app_id=None,
                     oa_id=None, user_id=None, **response) -> dict:
        """The next `times` matching calls answer `response`: error=-216 (host-shaped body), http_status=502 with
        body="<html>…", invalid_json=True, reset=True; or only delay_ms to slow them down."""
        match = {k: v for k, v in {"host": host, "path": path, "app_id": app_id, "oa_id": oa_id,
                                   "user_id": user_id}.items() if v is not None}
        spec = {"match": match, "times": times, "delay_ms": delay_ms, "response": response or None}
        return self._call("POST", "/faults", json=spec)

    def set_clock(self, when, running: bool = False) -> dict:
        """`when`: epoch ms or ISO text (naive = Vietnam time), e.g. "2026-03-02T21:59:00"."""
        return self._call("POST", "/clock", json={"set": when, "running": running})

    def advance_clock(self, seconds: float) -> dict:
        return self._call("POST", "/clock", json={"advance": seconds})

    def now_ms(self) -> int:
        return self._call("GET", "/clock")["now_ms"]

    def set_rate_limit(self, limit: int, app_id: str | None = None) -> None:
        self._call("POST", "/ratelimit", json={"limit": limit, **({"app_id": app_id} if app_id else {})})

    def settings(self, **values) -> dict:
        """Switches: access_token_ttl_s, oauth_error_http_status, expired_token_error, receipt_delay_ms,
        seen_after_receipt, echo_sends, retry_factor, latency_ms, permission_error..."""
        return self._call("POST", "/settings", json=values)

    def revoke(self, app_id: str, kind: str | None = None) -> int:
        return self._call("POST", "/tokens/revoke", json={"app_id": app_id, "kind": kind})["revoked"]

    # --- webhooks -------------------------------------------------------------------------------------------

    def emit(self, event_name: str, app_id: str, *, tamper: str | None = None, twice: bool = False,
             **fields) -> dict:
        """Build, sign and POST one event to the app's webhook_url; returns the delivery record
        (status, latency_ms, body, headers, attempts). tamper: wrong_secret, body_modified, no_prefix,
        uppercase_hex, missing_header, stale_timestamp, reserialised."""
        body = {"event_name": event_name, "app_id": app_id, "tamper": tamper, "twice": twice, **fields}
        return self._call("POST", "/webhooks/emit", json=body)

    def deliveries(self) -> list:
        return self._call("GET", "/webhooks/deliveries")

    # --- inspection -----------------------------------------------------------------------------------------

    def requests(self, path_contains: str | None = None, host: str | None = None) -> list:
        """The request log: [{method, host, path, query, headers: [[name, value]], body, status, response}]."""
        params = {k: v for k, v in {"path_contains": path_contains, "host": host}.items() if v}
        return self._call("GET", "/requests", params=params)

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def messages(self, oa_id: str | None = None, user_id: str | None = None) -> list:
        params = {k: v for k, v in {"oa_id": oa_id, "user_id": user_id}.items() if v}
        return self._call("GET", "/messages", params=params)

    @staticmethod
    def wait_for(condition: Callable[[], object], timeout: float = 5.0, interval: float = 0.01):
        """Poll `condition` until it returns something truthy (returned) or fail after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"condition not met within {timeout}s")
            time.sleep(interval)


@pytest.fixture(scope="session")
def zalo_sandbox_server():
    server = SandboxServer(host="127.0.0.1", port=0).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def zalo_sandbox_http(zalo_sandbox_server):
    """One client for the session: making one builds its TLS settings (about 20 ms of CPU), once per test before."""
    with httpx.Client(base_url=zalo_sandbox_server.base_url, timeout=10) as http:
        yield http


@pytest.fixture
def zalo_sandbox(zalo_sandbox_server, zalo_sandbox_http):
    handle = ZaloSandbox(zalo_sandbox_server, zalo_sandbox_http)
    handle.reset()
    return handle
