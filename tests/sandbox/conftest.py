"""Helpers for the sandbox's own tests: a tiny webhook receiver and a signed-in app with citizens."""

import threading
from dataclasses import dataclass, field

import httpx
import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from platform_core.sandbox.common import RAW_HEADERS_KEY
from platform_core.sandbox.server import UnderscoreHeadersHandler


@dataclass
class Receiver:
    """Records every POST (raw bytes, headers, and raw header names: `num_retry` has an underscore, which a
    stock Werkzeug server drops, so it is served by the sandbox's own handler); answers `status`."""
    url: str = ""
    received: list = field(default_factory=list)
    status: int = 200
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self.lock:
            self.received.append({"path": request.path, "body": request.get_data(), "headers": dict(request.headers),
                                  "raw_headers": dict(environ.get(RAW_HEADERS_KEY, []))})
        return Response("ok", status=self.status)(environ, start_response)

    def bodies(self) -> list:
        with self.lock:
            return [item["body"] for item in self.received]


@pytest.fixture
def receiver():
    sink = Receiver()
    server = make_server("127.0.0.1", 0, sink, threaded=True, request_handler=UnderscoreHeadersHandler)
    sink.url = f"http://127.0.0.1:{server.server_port}/zalo/webhook/bac-ninh"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield sink
    server.shutdown()
    server.server_close()


@dataclass
class Province:
    """One seeded app with a token, and a way to call the fake hosts as that app."""
    sandbox: object
    app: object
    token: str

    def post(self, host: str, path: str, body: dict, **headers) -> dict:
        response = self.raw("POST", host, path, json=body, headers=headers)
        return response.json()

    def get(self, host: str, path: str, **params) -> dict:
        return self.raw("GET", host, path, params=params).json()

    def raw(self, method: str, host: str, path: str, headers: dict | None = None, **kwargs) -> httpx.Response:
        base = {"openapi": self.sandbox.openapi_url, "business": self.sandbox.business_url}[host]
        return self.sandbox.http.request(method, base + path, headers={"access_token": self.token, **(headers or {})},
                                         **kwargs)

    def advance(self, seconds: float) -> None:
        """Jump the sandbox clock; past 25 h the access token has expired, so take a fresh one."""
        self.sandbox.advance_clock(seconds)
        self.token = self.sandbox.mint_tokens(self.app.app_id)["access_token"]

    def add_user(self, **fields) -> dict:
        return self.sandbox.add_user(self.app.app_id, **fields)


@pytest.fixture
def province(zalo_sandbox):
    app = zalo_sandbox.add_app("bac-ninh", oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    return Province(zalo_sandbox, app, zalo_sandbox.mint_tokens(app.app_id)["access_token"])
