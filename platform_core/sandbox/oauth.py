"""oauth.zaloapp.com: the OA permission redirect and the token endpoint (docs/zalo-oa.md §1, §9 items 1-2).

Error bodies carry `error`, `error_name`, `error_reason`, `error_description` with HTTP 200 by default, the
shape that tricks clients checking only `error != 0` ([CBX]). Only -14003 is attested; the other numbers in
OAUTH_ERRORS are the sandbox's own, in the same -14xxx range (the real ones are unconfirmed, §8 item 3).
"""

import html
from urllib.parse import urlencode, urlsplit

from platform_core.sandbox import tokens
from platform_core.sandbox.calls import Call, Reply, html_reply, json_reply, redirect_reply
from platform_core.sandbox.routing import Routes

routes = Routes("/oauth")

OAUTH_ERRORS = {
    "invalid_app_id": (-14001, "app_id is invalid or unknown"),
    "invalid_secret_key": (-14002, "secret_key header is missing or does not match the app"),
    "invalid_parameter": (-14003, "a required parameter is missing or invalid"),
    "invalid_grant_type": (-14004, "grant_type must be authorization_code or refresh_token"),
    "invalid_code": (-14019, "authorization code is invalid, used or expired"),
    "invalid_code_verifier": (-14020, "code_verifier does not match the code_challenge"),
    "invalid_refresh_token": (-14014, "refresh token is invalid, used or expired"),
}


def oauth_error(call: Call, name: str) -> Reply:
    code, description = OAUTH_ERRORS[name]
    body = {"error": code, "error_name": name, "error_reason": name.replace("_", " "),
            "error_description": description}
    return json_reply(body, status=call.state.settings.oauth_error_http_status)


def _with_query(url: str, params: dict) -> str:
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}{urlencode(params)}"


@routes.get("/v4/oa/permission")
def permission(call: Call) -> Reply:
    """Test mode: no consent screen. The OA admin 'grants' at once and the browser goes to redirect_uri."""
    sandbox, args = call.state, call.args
    app = sandbox.apps.get(args.get("app_id", ""))
    redirect_uri = args.get("redirect_uri", "")
    if app is None or not redirect_uri or sandbox.settings.permission_error:
        return redirect_reply(_with_query(call.host_url.rstrip("/") + "/oauth/v4/permission/error",
                                          {"error_code": -14003}))
    code = tokens.issue_code(sandbox, app, challenge=args.get("code_challenge", ""))
    params = {"code": code.value, "oa_id": app.oa_id}
    if "state" in args:
        params["state"] = args["state"]
    return redirect_reply(_with_query(redirect_uri, params))


@routes.get("/v4/oa/permission/error")
def permission_error(call: Call) -> Reply:
    code = html.escape(call.args.get("error_code", "-14003"))
    return html_reply(f"<!doctype html><meta charset=utf-8><title>Lỗi</title><p>Đã có lỗi xảy ra ({code}).</p>", 400)


@routes.post("/v4/oa/access_token")
def access_token(call: Call) -> Reply:
    sandbox = call.state
    app = sandbox.apps.get(call.form.get("app_id", ""))
    if app is None:
        return oauth_error(call, "invalid_app_id")
    if call.header("secret_key") != app.app_secret:
        return oauth_error(call, "invalid_secret_key")
    grant = call.form.get("grant_type")
    if grant == "authorization_code":
        return _exchange_code(call, app)
    if grant == "refresh_token":
        return _refresh(call, app)
    return oauth_error(call, "invalid_grant_type")


def _exchange_code(call: Call, app) -> Reply:
    sandbox, code = call.state, call.form.get("code", "")
    if not code:
        return oauth_error(call, "invalid_parameter")
    with sandbox.lock:
        stored = sandbox.tokens.get(code)
        verifier = call.form.get("code_verifier", "")
        if stored is not None and stored.challenge and tokens.pkce_challenge(verifier) != stored.challenge:
            return oauth_error(call, "invalid_code_verifier")
        if tokens.consume(sandbox, code, "code", app.app_id) is None:
            return oauth_error(call, "invalid_code")
    return json_reply(tokens.issue_pair(sandbox, app))


def _refresh(call: Call, app) -> Reply:
    if tokens.consume(call.state, call.form.get("refresh_token", ""), "refresh", app.app_id) is None:
        return oauth_error(call, "invalid_refresh_token")
    return json_reply(tokens.issue_pair(call.state, app))
