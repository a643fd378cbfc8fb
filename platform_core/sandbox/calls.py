"""A call to one of the fake Zalo hosts and its answer, free of any web framework.

The Zalo views (oauth.py, openapi.py, zns.py) take a `Call` and return a `Reply`; server.py turns aiohttp's
request into the one and the other into aiohttp's response. Keeping them plain keeps the hot path cheap (the
bench drives thousands of sends a second through it) and the views testable without a server.
"""

import io
import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from werkzeug.formparser import parse_form_data

from platform_core.sandbox.state import SandboxState

ZALO_HOSTS = ("oauth", "openapi", "business")


def host_of(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    return first if first in ZALO_HOSTS else ""


@dataclass(slots=True)
class Reply:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    headers: dict = field(default_factory=dict)
    reset: bool = False  # close the connection with a TCP RST instead of answering (an injected fault)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Call:
    """The request as the views need it. `caller` (tokens.Caller) and `rate` are filled in by pipeline.py."""

    __slots__ = ("state", "method", "path", "host", "query_string", "raw_headers", "body", "params", "host_url",
                 "caller", "rate", "log_entry", "_headers", "_json", "_args", "_form", "_files")

    def __init__(self, state: SandboxState, method: str, path: str, query_string: str = "",
                 raw_headers: list[tuple[str, str]] | None = None, body: bytes = b"", params: dict | None = None,
                 host_url: str = "http://localhost/") -> None:
        self.state, self.method, self.path, self.host = state, method, path, host_of(path)
        self.query_string, self.raw_headers, self.body = query_string, raw_headers or [], body
        self.params, self.host_url = params or {}, host_url
        self.caller = self.rate = self.log_entry = None
        self._headers = self._json = self._args = self._form = self._files = None

    def header(self, name: str) -> str | None:
        """By exact name, ignoring case: `access_token` never matches `access-token`.

        The real API expects the underscore form (docs/zalo-oa.md, "Underscored header names"); accepting
        `access-token` here would hide a client bug that production would punish.
        """
        if self._headers is None:
            self._headers = {}
            for key, value in self.raw_headers:
                self._headers.setdefault(key.lower(), value)
        return self._headers.get(name.lower())

    @property
    def is_json(self) -> bool:
        mimetype = (self.header("content-type") or "").split(";", 1)[0].strip().lower()
        return mimetype == "application/json" or (mimetype.startswith("application/") and mimetype.endswith("+json"))

    def json(self) -> dict:
        """The JSON body, or {} when it is absent, not JSON or not an object (the validators then report -201)."""
        if self._json is None:
            try:
                parsed = json.loads(self.body) if self.is_json and self.body else None
            except ValueError:
                parsed = None
            self._json = parsed if isinstance(parsed, dict) else {}
        return self._json

    @property
    def args(self) -> dict:
        """The query string's parameters (the first value of each)."""
        if self._args is None:
            self._args = {}
            for key, value in parse_qsl(self.query_string, keep_blank_values=True):
                self._args.setdefault(key, value)
        return self._args

    @property
    def form(self):
        self._parse_form()
        return self._form

    @property
    def files(self):
        self._parse_form()
        return self._files

    def _parse_form(self) -> None:
        """application/x-www-form-urlencoded and multipart bodies, by Werkzeug's parser (what Flask used)."""
        if self._form is None:
            environ = {"REQUEST_METHOD": self.method, "CONTENT_TYPE": self.header("content-type") or "",
                       "CONTENT_LENGTH": str(len(self.body)), "wsgi.input": io.BytesIO(self.body)}
            _, self._form, self._files = parse_form_data(environ)

    def query_data(self) -> dict | None:
        """`?data=<json>` as the v3 user endpoints take it (docs/zalo-oa.md §4); None when it does not parse."""
        raw = self.args.get("data")
        if raw is None:
            return {}
        try:
            parsed = json.loads(raw)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None


def json_reply(payload, status: int = 200) -> Reply:
    return Reply(json.dumps(payload, ensure_ascii=False).encode("utf-8"), status)


def zalo_ok(data=None, message: str = "Success") -> Reply:
    payload = {"error": 0, "message": message}
    if data is not None:
        payload["data"] = data
    return json_reply(payload)


def zalo_error(code: int, message: str) -> Reply:
    """OA and ZNS errors: a negative code in the body, HTTP 200 (docs/zalo-oa.md §6)."""
    return json_reply({"error": code, "message": message})


def html_reply(html: str, status: int = 200) -> Reply:
    return Reply(html.encode("utf-8"), status, "text/html; charset=utf-8")


def redirect_reply(location: str) -> Reply:
    reply = html_reply(f'<!doctype html><title>Redirecting...</title><a href="{location}">{location}</a>', 302)
    reply.headers["Location"] = location
    return reply
