"""Small helpers shared by the fake hosts: the state handle, underscored headers, Zalo's response envelope."""

import json

from flask import Response, current_app, request

from platform_core.sandbox.state import SandboxState

RAW_HEADERS_KEY = "zalo_sandbox.raw_headers"  # set by server.UnderscoreHeadersHandler
RESET_KEY = "zalo_sandbox.reset_connection"


def state() -> SandboxState:
    return current_app.extensions["zalo_sandbox"]


def raw_headers() -> list[tuple[str, str]]:
    """The request headers with their names exactly as sent (Werkzeug's environ loses underscored ones)."""
    return request.environ.get(RAW_HEADERS_KEY, [])


def underscored_header(name: str) -> str | None:
    """`access_token` / `secret_key`: matched by exact name (case-insensitive), never the dashed spelling.

    The real API expects the underscore form (zalo-oa.md, "Underscored header names"); accepting
    `access-token` here would hide a client bug that production would punish.
    """
    wanted = name.lower()
    return next((value for key, value in raw_headers() if key.lower() == wanted), None)


def json_response(payload, status: int = 200, headers: dict | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json", headers=headers or {})


def zalo_ok(data=None, message: str = "Success") -> Response:
    payload = {"error": 0, "message": message}
    if data is not None:
        payload["data"] = data
    return json_response(payload)


def zalo_error(code: int, message: str) -> Response:
    """OA and ZNS errors: a negative code in the body, HTTP 200 (zalo-oa.md §6)."""
    return json_response({"error": code, "message": message})


def request_json() -> dict:
    """The JSON body, or {} when it is absent or not an object (the validators then report -201)."""
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


def query_data() -> dict | None:
    """`?data=<json>` as the v3 user endpoints take it (zalo-oa.md §4); None when it does not parse."""
    raw = request.args.get("data")
    if raw is None:
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
