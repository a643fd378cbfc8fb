"""What happens around every call to the fake hosts, in order (one place, so the order is visible):

1. artificial latency (`/_fake/latency`);
2. the request log entry, with header names as sent and the raw body;
3. an injected fault, if one matches (before authentication, so a valid token can still get -216);
4. authentication of `access_token` on /openapi (-216 missing/unknown, -220 expired) and /business (-124);
5. the per-app rate limit on /openapi (-32), whose headers go on every /openapi response.
"""

import json
import time

from flask import g, request

from platform_core.sandbox import faults, ratelimit, tokens
from platform_core.sandbox.common import raw_headers, state, underscored_header, zalo_error

ZALO_HOSTS = ("oauth", "openapi", "business")
MAX_LOGGED = 5000


def host_of(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    return first if first in ZALO_HOSTS else ""


def before_request():
    g.host = host_of(request.path)
    if not g.host:
        return None
    sandbox = state()
    if sandbox.settings.latency_ms:
        generation = sandbox.generation
        time.sleep(sandbox.settings.latency_ms / 1000)
        if sandbox.generation != generation:  # reset while we slept: don't touch the next test's state
            return zalo_error(-200, "Sandbox was reset during the request")
    request.get_data(cache=True)
    g.caller, reason = tokens.authenticate(sandbox, underscored_header("access_token"))
    facts = _facts(g.caller)
    _log(sandbox, facts)
    answer = _fault(sandbox, facts)
    if answer is not None:
        return answer
    if g.host == "oauth":
        return None
    return _authentication_error(sandbox, reason) or _rate_limited(sandbox)


def after_request(response):
    host = getattr(g, "host", "")
    if not host:
        return response
    entry = getattr(g, "log_entry", None)
    if entry is not None:
        entry["status"] = response.status_code
        entry["response"] = response.get_data(as_text=True)[:20000] if not response.is_streamed else ""
    if host == "openapi":
        caller = getattr(g, "caller", None)
        limit, remain = getattr(g, "rate", None) or ratelimit.remaining(state(), caller and caller.app.app_id)
        response.headers.update(ratelimit.headers(limit, remain))
    return response


def _facts(caller) -> dict:
    body = request.get_json(silent=True) if request.is_json else None
    body = body if isinstance(body, dict) else {}
    app_id = caller.app.app_id if caller else (request.form.get("app_id") or request.args.get("app_id"))
    app = state().apps.get(app_id or "")
    return {"host": g.host, "path": request.path, "app_id": app_id, "oa_id": app.oa_id if app else None,
            "user_id": _user_id(body), "phone": body.get("phone")}


def _user_id(body: dict):
    recipient = body.get("recipient")
    if isinstance(recipient, dict) and recipient.get("user_id"):
        return str(recipient["user_id"])
    if body.get("user_id"):
        return str(body["user_id"])
    try:
        data = json.loads(request.args.get("data") or "{}")
    except ValueError:
        return None
    return str(data["user_id"]) if isinstance(data, dict) and data.get("user_id") else None


def _log(sandbox, facts: dict) -> None:
    entry = {"time_ms": sandbox.clock.now_ms(), "method": request.method, "host": g.host,
             "path": request.path, "query": request.query_string.decode("latin-1"),
             "headers": [[name, value] for name, value in raw_headers()],
             "body": request.get_data(as_text=True), "app_id": facts["app_id"], "oa_id": facts["oa_id"],
             "status": None, "response": None}
    with sandbox.lock:
        entry["id"] = len(sandbox.requests) + 1
        sandbox.requests.append(entry)
        del sandbox.requests[:-MAX_LOGGED]
    g.log_entry = entry


def _fault(sandbox, facts: dict):
    fault = faults.take_fault(sandbox, facts)
    if fault is None:
        return None
    if fault["delay_ms"]:
        time.sleep(fault["delay_ms"] / 1000)
    if fault["response"] is None:
        return None
    return faults.fault_response(fault["response"], g.host)


def _authentication_error(sandbox, reason: str):
    """OA API: -216 missing/unknown, -220 expired (switchable to -216). ZNS: -124 for all of them."""
    if reason == "ok":
        caller = g.caller
        if tokens.proof_ok(caller.app, caller.token.value, underscored_header("appsecret_proof")):
            return None
        return zalo_error(-242 if g.host == "openapi" else -1241, "appsecret_proof is invalid")
    if g.host == "business":
        return zalo_error(-124, "Access token is invalid")
    if reason == "expired":
        return zalo_error(sandbox.settings.expired_token_error, "Access token has expired")
    return zalo_error(-216, "Access token is invalid")


def _rate_limited(sandbox):
    if g.host != "openapi":
        return None
    allowed, limit, remain = ratelimit.take(sandbox, g.caller.app.app_id)
    g.rate = (limit, remain)
    if not allowed:
        return zalo_error(-32, "The application has exceeded the request rate limit of the API")
    return None
