"""oauth.zaloapp.com: the OA permission redirect and the token endpoint (zalo-oa.md §1 and spec items 1-2).

Error bodies carry `error`, `error_name`, `error_reason`, `error_description` with HTTP 200 by default, the
shape that tricks clients checking only `error != 0` ([CBX]). Only -14003 is attested; the other numbers in
OAUTH_ERRORS are the sandbox's own, in the same -14xxx range (the real ones are unconfirmed, §6).
"""

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, redirect, request

from platform_core.sandbox import tokens
from platform_core.sandbox.common import json_response, state, underscored_header

oauth_bp = Blueprint("sandbox_oauth", __name__, url_prefix="/oauth")

OAUTH_ERRORS = {
    "invalid_app_id": (-14001, "app_id is invalid or unknown"),
    "invalid_secret_key": (-14002, "secret_key header is missing or does not match the app"),
    "invalid_parameter": (-14003, "a required parameter is missing or invalid"),
    "invalid_grant_type": (-14004, "grant_type must be authorization_code or refresh_token"),
    "invalid_code": (-14019, "authorization code is invalid, used or expired"),
    "invalid_code_verifier": (-14020, "code_verifier does not match the code_challenge"),
    "invalid_refresh_token": (-14014, "refresh token is invalid, used or expired"),
}


def oauth_error(name: str):
    code, description = OAUTH_ERRORS[name]
    body = {"error": code, "error_name": name, "error_reason": name.replace("_", " "),
            "error_description": description}
    return json_response(body, status=state().settings.oauth_error_http_status)


def _with_query(url: str, params: dict) -> str:
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}{urlencode(params)}"


@oauth_bp.get("/v4/oa/permission")
def permission():
    """Test mode: no consent screen. The OA admin 'grants' at once and the browser goes to redirect_uri."""
    sandbox = state()
    app = sandbox.apps.get(request.args.get("app_id", ""))
    redirect_uri = request.args.get("redirect_uri", "")
    if app is None or not redirect_uri or sandbox.settings.permission_error:
        return redirect(_with_query(request.host_url.rstrip("/") + "/oauth/v4/permission/error",
                                    {"error_code": -14003}))
    code = tokens.issue_code(sandbox, app, challenge=request.args.get("code_challenge", ""))
    params = {"code": code.value, "oa_id": app.oa_id}
    if "state" in request.args:
        params["state"] = request.args["state"]
    return redirect(_with_query(redirect_uri, params))


@oauth_bp.get("/v4/oa/permission/error")
def permission_error():
    code = request.args.get("error_code", "-14003")
    return f"<!doctype html><meta charset=utf-8><title>Lỗi</title><p>Đã có lỗi xảy ra ({code}).</p>", 400


@oauth_bp.post("/v4/oa/access_token")
def access_token():
    sandbox = state()
    app = sandbox.apps.get(request.form.get("app_id", ""))
    if app is None:
        return oauth_error("invalid_app_id")
    if underscored_header("secret_key") != app.app_secret:
        return oauth_error("invalid_secret_key")
    grant = request.form.get("grant_type")
    if grant == "authorization_code":
        return _exchange_code(sandbox, app)
    if grant == "refresh_token":
        return _refresh(sandbox, app)
    return oauth_error("invalid_grant_type")


def _exchange_code(sandbox, app):
    code = request.form.get("code", "")
    if not code:
        return oauth_error("invalid_parameter")
    with sandbox.lock:
        stored = sandbox.tokens.get(code)
        verifier = request.form.get("code_verifier", "")
        if stored is not None and stored.challenge and tokens.pkce_challenge(verifier) != stored.challenge:
            return oauth_error("invalid_code_verifier")
        if tokens.consume(sandbox, code, "code", app.app_id) is None:
            return oauth_error("invalid_code")
    return json_response(tokens.issue_pair(sandbox, app))


def _refresh(sandbox, app):
    if tokens.consume(sandbox, request.form.get("refresh_token", ""), "refresh", app.app_id) is None:
        return oauth_error("invalid_refresh_token")
    return json_response(tokens.issue_pair(sandbox, app))
