"""`/_fake/*`: the control API that tests and `make run` use to seed, steer and inspect the sandbox (spec 20-22).

Never part of Zalo's surface: a client under test must not call these. Errors here are plain 400s.
"""

from flask import Blueprint, jsonify, request

from platform_core.sandbox import faults, keeping, seeds, tokens, webhooks
from platform_core.sandbox.clock import parse_when
from platform_core.sandbox.common import request_json, state
from platform_core.sandbox.state import as_dict

control_bp = Blueprint("sandbox_control", __name__, url_prefix="/_fake")


@control_bp.errorhandler(ValueError)
@control_bp.errorhandler(KeyError)
@control_bp.errorhandler(TypeError)
def bad_request(error):
    return jsonify(error=str(error)), 400


@control_bp.post("/reset")
def reset():
    state().reset()
    return jsonify(ok=True)


@control_bp.post("/seed")
def seed():
    body = request_json()
    seeds.load_seed(state(), body, body.get("public_base_url", ""))
    return jsonify(ok=True)


@control_bp.route("/clock", methods=["GET", "POST"])
def clock():
    """{"set": ms | ISO (naive = Vietnam time), "advance": seconds, "running": bool}."""
    sandbox, body = state(), request_json()
    if "set" in body:
        sandbox.clock.set(parse_when(body["set"]), running=bool(body.get("running", False)))
    if "advance" in body:
        sandbox.clock.advance(float(body["advance"]))
    return jsonify(sandbox.clock.describe())


@control_bp.route("/settings", methods=["GET", "POST"])
def settings():
    return jsonify(as_dict(seeds.apply_settings(state(), request_json())))


@control_bp.post("/latency")
def latency():
    return jsonify(as_dict(seeds.apply_settings(state(), {"latency_ms": int(request_json().get("ms", 0))})))


@control_bp.post("/ratelimit")
def ratelimit():
    """{"limit": n, "app_id"?: ...}: one app's budget, or the default for every app."""
    sandbox, body = state(), request_json()
    with sandbox.lock:
        if body.get("app_id"):
            sandbox.rate_limits[body["app_id"]] = int(body["limit"])
        else:
            sandbox.settings.default_rate_limit = int(body["limit"])
    return jsonify(ok=True)


# --- faults and the request log -------------------------------------------------------------------------------

@control_bp.route("/faults", methods=["GET", "POST", "DELETE"])
def fault_list():
    sandbox = state()
    if request.method == "POST":
        return jsonify(faults.add_fault(sandbox, request_json()))
    if request.method == "DELETE":
        with sandbox.lock:
            sandbox.faults.clear()
    return jsonify(list(sandbox.faults))


@control_bp.route("/requests", methods=["GET", "DELETE"])
def request_log():
    sandbox = state()
    if request.method == "DELETE":
        with sandbox.lock:
            sandbox.requests.clear()
        return jsonify([])
    contains, host = request.args.get("path_contains"), request.args.get("host")
    with sandbox.lock:
        entries = [e for e in sandbox.requests
                   if (not contains or contains in e["path"]) and (not host or e["host"] == host)]
    return jsonify(entries)


# --- apps, tokens, users, templates ---------------------------------------------------------------------------

@control_bp.route("/apps", methods=["GET", "POST"])
def apps():
    sandbox = state()
    if request.method == "POST":
        body = request_json()
        app = seeds.seed_app(sandbox, body, body.get("public_base_url", ""))
        kept = keeping.keep(sandbox, app) if body.get("keep") else False
        return jsonify({**_app_view(sandbox, app), "kept": kept})
    return jsonify([_app_view(sandbox, app) for app in sandbox.apps.values()])


def _app_view(sandbox, app) -> dict:
    return {**as_dict(app), "oa": as_dict(sandbox.oas[app.oa_id])}


@control_bp.post("/apps/<app_id>/tokens")
def mint_tokens(app_id: str):
    """A token pair without the browser flow (`make run` connects the demo tenants with it)."""
    sandbox = state()
    app = sandbox.apps.get(app_id)
    if app is None:
        return jsonify(error="unknown app"), 404
    return jsonify({**tokens.issue_pair(sandbox, app), "oa_id": app.oa_id})


@control_bp.post("/apps/<app_id>/code")
def mint_code(app_id: str):
    """An authorization code as /v4/oa/permission would hand it out, optionally bound to a PKCE challenge."""
    sandbox = state()
    app = sandbox.apps.get(app_id)
    if app is None:
        return jsonify(error="unknown app"), 404
    code = tokens.issue_code(sandbox, app, request_json().get("code_challenge", ""))
    return jsonify(code=code.value, oa_id=app.oa_id)


@control_bp.post("/tokens/revoke")
def revoke_tokens():
    """{"app_id", "kind"?: "access" | "refresh"} or {"token": value}."""
    sandbox, body = state(), request_json()
    if body.get("token"):
        with sandbox.lock:
            token = sandbox.tokens.get(body["token"])
            if token is not None:
                token.revoked = True
        return jsonify(revoked=int(token is not None))
    return jsonify(revoked=tokens.revoke(sandbox, body["app_id"], body.get("kind")))


@control_bp.get("/tokens")
def token_list():
    app_id = request.args.get("app_id")
    return jsonify([as_dict(t) for t in state().tokens.values() if not app_id or t.app_id == app_id])


@control_bp.route("/users", methods=["GET", "POST"])
def users():
    sandbox = state()
    if request.method == "POST":
        body = request_json()
        if "count" in body:  # many at once: {"count": 5000, "app_id": ..., "is_follower": true, ...}
            return jsonify({"user_ids": seeds.seed_users(sandbox, body)})
        return jsonify(as_dict(seeds.seed_user(sandbox, body)))
    oa_id = request.args.get("oa_id")
    return jsonify([as_dict(u) for u in sandbox.users.values() if not oa_id or u.oa_id == oa_id])


@control_bp.route("/templates", methods=["GET", "POST"])
def templates():
    sandbox = state()
    if request.method == "POST":
        return jsonify(as_dict(seeds.seed_template(sandbox, request_json())))
    return jsonify([as_dict(t) for t in sandbox.templates.values()])


@control_bp.get("/messages")
def messages():
    oa_id, user_id = request.args.get("oa_id"), request.args.get("user_id")
    # list(): a copy taken at once, as workers' sends add messages from other threads meanwhile
    found = [as_dict(m) for m in list(state().messages.values())
             if (not oa_id or m.oa_id == oa_id) and (not user_id or m.user_id == user_id)]
    return jsonify(sorted(found, key=lambda m: (m["sent_ms"], m["seq"])))


# --- webhooks -------------------------------------------------------------------------------------------------

@control_bp.post("/webhooks/emit")
def emit_webhook():
    """{"event_name", "app_id" | "oa_id", "tamper"?, "twice"?, ...event fields (user_id, text, msg_id, phone,
    msg_ids, source, template_id, new_status...)} -> the delivery record, after the first attempt(s)."""
    sandbox, body = state(), request_json()
    name, tamper, twice = body.pop("event_name"), body.pop("tamper", None), bool(body.pop("twice", False))
    app_id = body.pop("app_id", None)
    if not app_id and body.get("oa_id"):
        app = sandbox.app_for_oa(body["oa_id"])
        app_id = app.app_id if app else None
    record = webhooks.emit(sandbox, name, app_id or "", body, tamper=tamper, twice=twice)
    with sandbox.lock:  # a retry thread may be appending attempts
        return jsonify(record)


@control_bp.route("/webhooks/deliveries", methods=["GET", "DELETE"])
def deliveries():
    sandbox = state()
    with sandbox.lock:
        if request.method == "DELETE":
            sandbox.deliveries.clear()
        return jsonify(list(sandbox.deliveries))


@control_bp.post("/apps/<app_id>/webhook")
def configure_webhook(app_id: str):
    """{"url"?, "disabled"?}: point an app's webhook elsewhere or re-enable it after retries gave up."""
    sandbox, body = state(), request_json()
    app = sandbox.apps.get(app_id)
    if app is None:
        return jsonify(error="unknown app"), 404
    with sandbox.lock:
        app.webhook_url = body.get("url", app.webhook_url)
        app.webhook_disabled = bool(body.get("disabled", False))
    return jsonify(as_dict(app))
