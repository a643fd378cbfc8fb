"""Signing and delivering webhook events to the product (docs/zalo-oa.md §5, §9 items 16-18).

Signature: `X-ZEvent-Signature: mac=` + lowercase hex SHA-256 (plain hash, not HMAC) of
app_id + raw_body + timestamp + oa_secret_key, over the exact bytes sent. The body is serialised once.

Delivery: one POST per event (two with `twice`, for dedup tests). Zalo retries only when it could not open a
connection, after 30 s, 5, 15, 30 and 60 min with a `num_retry` header, then disables the webhook; the
schedule is multiplied by `settings.retry_factor` so tests can run it in milliseconds. A non-200 answer or
one slower than 2 s is recorded as a "webhook not working" strike.
"""

import functools
import hashlib
import itertools
import json
import time

import httpx

from platform_core.sandbox import events, scenarios
from platform_core.sandbox.state import App, SandboxState

SIGNATURE_HEADER = "X-ZEvent-Signature"
RETRY_SCHEDULE_S = (30, 5 * 60, 15 * 60, 30 * 60, 60 * 60)
STRIKE_LATENCY_MS = 2000
STALE_BY_MS = 24 * 3600 * 1000
TAMPER_MODES = ("wrong_secret", "body_modified", "no_prefix", "uppercase_hex", "missing_header",
                "stale_timestamp", "reserialised")
_ids = itertools.count(1)


@functools.cache
def _http() -> httpx.Client:
    """One client for every event, made at the first: each POST still opens its own connection (no keep-alive: a
    refused connection is what Zalo retries), but the TLS settings are built once; `httpx.post` built them for
    every event, about 20 ms of CPU each."""
    return httpx.Client(timeout=10, limits=httpx.Limits(max_keepalive_connections=0))


def signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    return hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()).hexdigest()


def serialise(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


ZNS_EVENTS = ("zns_user_received_message", "user_feedback")


def emit(state: SandboxState, name: str, app_id: str, fields: dict | None = None, tamper: str | None = None,
         twice: bool = False) -> dict:
    """Build, sign and deliver one event now; returns the delivery record (retries continue in background)."""
    if tamper is not None and tamper not in TAMPER_MODES:
        raise ValueError(f"unknown tamper mode {tamper!r}; known: {TAMPER_MODES}")
    fields = dict(fields or {})
    app = state.apps.get(str(app_id))
    if app is None:
        raise ValueError(f"unknown app_id {app_id!r}")
    user = scenarios.before_event(state, name, app, fields)
    now = state.clock.now_ms()
    timestamp = str(now - STALE_BY_MS if tamper == "stale_timestamp" else now)
    body = events.build(name, app, user, fields, timestamp)
    scenarios.after_event(state, name, app, user, body, hidden=bool(fields.get("hidden")))
    raw, headers = sign(state, app, body, timestamp, tamper)
    if name in ZNS_EVENTS:
        headers["X-ZEvent-Server"] = "ZNS"
    record = _new_record(state, name, app, raw, headers, tamper)
    deliver(state, record, raw, headers)
    if twice:
        deliver(state, record, raw, headers, duplicate=True)
    return record


def sign(state: SandboxState, app: App, body: dict, timestamp: str, tamper: str | None) -> tuple[bytes, dict]:
    """(bytes to send, headers), with the signature broken in the requested way."""
    raw = serialise(body)
    signed_over = json.dumps(body, ensure_ascii=False, indent=1).encode() if tamper == "reserialised" else raw
    secret = _other_secret(state, app) if tamper == "wrong_secret" else app.oa_secret_key
    digest = signature(app.app_id, signed_over, timestamp, secret)
    value = {"no_prefix": digest, "uppercase_hex": "mac=" + digest.upper()}.get(tamper, "mac=" + digest)
    if tamper == "body_modified":
        raw = raw[:-1] + b',"tampered":true}'
    headers = {"Content-Type": "application/json"}
    if tamper != "missing_header":
        headers[SIGNATURE_HEADER] = value
    if state.settings.send_timestamp_header:
        headers["X-ZEvent-Timestamp"] = timestamp
    return raw, headers


def _other_secret(state: SandboxState, app: App) -> str:
    """Tenant B's key for tenant A's event when there is a B, as a cross-tenant mix-up would produce."""
    others = [a.oa_secret_key for a in state.apps.values() if a.app_id != app.app_id]
    return others[0] if others else app.oa_secret_key + "-wrong"


def _new_record(state, name, app: App, raw: bytes, headers: dict, tamper) -> dict:
    record = {"id": next(_ids), "event_name": name, "app_id": app.app_id, "oa_id": app.oa_id,
              "url": app.webhook_url, "headers": dict(headers), "body": raw.decode("utf-8"),
              "event": json.loads(raw), "tamper": tamper, "attempts": [], "status": None, "latency_ms": None,
              "state": "pending", "generation": state.generation}
    with state.lock:
        state.deliveries.append(record)
    return record


def deliver(state: SandboxState, record: dict, raw: bytes, headers: dict, num_retry: int = 0,
            duplicate: bool = False) -> None:
    app = state.apps.get(record["app_id"])
    if app is None or not app.webhook_url or app.webhook_disabled:
        record["state"] = "disabled" if app is not None and app.webhook_disabled else "no_url"
        return
    attempt = _post(app.webhook_url, raw, {**headers, **({"num_retry": str(num_retry)} if num_retry else {})})
    attempt.update(num_retry=num_retry, duplicate=duplicate, at_ms=state.clock.now_ms())
    with state.lock:
        record["attempts"].append(attempt)
        record["status"], record["latency_ms"] = attempt["status"], attempt["latency_ms"]
        if attempt["connection_failed"]:
            record["state"] = "retrying" if num_retry < len(RETRY_SCHEDULE_S) else "failed"
        else:
            record["state"] = "delivered"
            if attempt["status"] != 200 or attempt["latency_ms"] > STRIKE_LATENCY_MS:
                app.webhook_strikes += 1
                attempt["strike"] = True
    if attempt["connection_failed"] and not duplicate:
        _after_connection_failure(state, app, record, raw, headers, num_retry)


def _post(url: str, raw: bytes, headers: dict) -> dict:
    started = time.monotonic()
    try:
        response = _http().post(url, content=raw, headers=headers)
    except (httpx.ConnectError, httpx.ConnectTimeout) as error:
        return {"status": None, "latency_ms": _ms_since(started), "connection_failed": True, "error": str(error)}
    except httpx.HTTPError as error:  # connected, then timed out or was cut: Zalo does not retry those
        return {"status": None, "latency_ms": _ms_since(started), "connection_failed": False, "error": str(error)}
    return {"status": response.status_code, "latency_ms": _ms_since(started), "connection_failed": False,
            "error": None, "response": response.text[:2000]}


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _after_connection_failure(state, app: App, record: dict, raw: bytes, headers: dict, num_retry: int) -> None:
    if num_retry >= len(RETRY_SCHEDULE_S):
        with state.lock:
            app.webhook_disabled = True  # the app is unsubscribed from the OA's events (docs/zalo-oa.md §5)
            record["state"] = "disabled"
        return
    delay = RETRY_SCHEDULE_S[num_retry] * state.settings.retry_factor
    scenarios.later(state, delay, lambda: deliver(state, record, raw, headers, num_retry + 1))
