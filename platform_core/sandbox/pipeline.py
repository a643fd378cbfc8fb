"""What happens around every call to the fake hosts, in order (one place, so the order is visible):

1. artificial latency (`/_fake/latency`, `--latency-ms`), awaited: thousands of calls may wait at once;
2. the request log entry, with header names as sent and the raw body;
3. an injected fault, if one matches (before authentication, so a valid token can still get -216);
4. authentication of `access_token` on /openapi (-216 missing/unknown, -220 expired) and /business (-124);
5. the per-app rate limit on /openapi (-32), whose headers go on every /openapi response;
6. the view, under the state's lock: atomic against the control API's threads and background webhooks.
"""

import asyncio
import json

from platform_core.sandbox import faults, ratelimit, tokens
from platform_core.sandbox.calls import Call, Reply, html_reply, zalo_error
from platform_core.sandbox.routing import View

MAX_LOGGED = 5000
MAX_LOGGED_RESPONSE = 20000


async def serve(call: Call, view: View) -> Reply:
    sandbox = call.state
    if sandbox.settings.latency_ms:
        generation = sandbox.generation
        await asyncio.sleep(sandbox.settings.latency_ms / 1000)
        if sandbox.generation != generation:  # reset while we slept: don't touch the next test's state
            return _finish(call, zalo_error(-200, "Sandbox was reset during the request"))
    call.caller, reason = tokens.authenticate(sandbox, call.header("access_token"))
    facts = _facts(call)
    _log(call, facts)
    reply = await _fault(call, facts)
    if reply is None and call.host != "oauth":
        reply = _authentication_error(call, reason) or _rate_limited(call)
    if reply is None:
        with sandbox.lock:
            reply = view(call)
    return _finish(call, reply)


def not_found(call: Call) -> Reply:
    """A path no route serves on a Zalo host: after the checks, as Flask's routing did."""
    return html_reply("<!doctype html><title>404 Not Found</title><h1>Not Found</h1>", 404)


def _finish(call: Call, reply: Reply) -> Reply:
    entry = call.log_entry
    if entry is not None:
        entry["status"] = reply.status
        entry["response"] = reply.text[:MAX_LOGGED_RESPONSE]
    if call.host == "openapi":
        limit, remain = call.rate or ratelimit.remaining(call.state, call.caller and call.caller.app.app_id)
        reply.headers.update(ratelimit.headers(limit, remain))
    return reply


def _facts(call: Call) -> dict:
    body = call.json()
    caller = call.caller
    app_id = caller.app.app_id if caller else (call.form.get("app_id") or call.args.get("app_id"))
    app = call.state.apps.get(app_id or "")
    return {"host": call.host, "path": call.path, "app_id": app_id, "oa_id": app.oa_id if app else None,
            "user_id": _user_id(call, body), "phone": body.get("phone")}


def _user_id(call: Call, body: dict):
    recipient = body.get("recipient")
    if isinstance(recipient, dict) and recipient.get("user_id"):
        return str(recipient["user_id"])
    if body.get("user_id"):
        return str(body["user_id"])
    try:
        data = json.loads(call.args.get("data") or "{}")
    except ValueError:
        return None
    return str(data["user_id"]) if isinstance(data, dict) and data.get("user_id") else None


def _log(call: Call, facts: dict) -> None:
    sandbox = call.state
    entry = {"time_ms": sandbox.clock.now_ms(), "method": call.method, "host": call.host, "path": call.path,
             "query": call.query_string, "headers": [[name, value] for name, value in call.raw_headers],
             "body": call.body.decode("utf-8", "replace"), "app_id": facts["app_id"], "oa_id": facts["oa_id"],
             "status": None, "response": None}
    with sandbox.lock:
        entry["id"] = len(sandbox.requests) + 1
        sandbox.requests.append(entry)
        del sandbox.requests[:-MAX_LOGGED]
    call.log_entry = entry


async def _fault(call: Call, facts: dict) -> Reply | None:
    fault = faults.take_fault(call.state, facts)
    if fault is None:
        return None
    if fault["delay_ms"]:
        await asyncio.sleep(fault["delay_ms"] / 1000)
    if fault["response"] is None:
        return None
    return faults.fault_response(fault["response"], call.host)


def _authentication_error(call: Call, reason: str) -> Reply | None:
    """OA API: -216 missing/unknown, -220 expired (switchable to -216). ZNS: -124 for all of them."""
    if reason == "ok":
        caller = call.caller
        if tokens.proof_ok(caller.app, caller.token.value, call.header("appsecret_proof")):
            return None
        return zalo_error(-242 if call.host == "openapi" else -1241, "appsecret_proof is invalid")
    if call.host == "business":
        return zalo_error(-124, "Access token is invalid")
    if reason == "expired":
        return zalo_error(call.state.settings.expired_token_error, "Access token has expired")
    return zalo_error(-216, "Access token is invalid")


def _rate_limited(call: Call) -> Reply | None:
    if call.host != "openapi":
        return None
    allowed, limit, remain = ratelimit.take(call.state, call.caller.app.app_id)
    call.rate = (limit, remain)
    if not allowed:
        return zalo_error(-32, "The application has exceeded the request rate limit of the API")
    return None
