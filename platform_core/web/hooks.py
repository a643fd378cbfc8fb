"""Request-wide hooks: tenant context reset, security headers, and error pages (JSON under /api)."""

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from platform_core.db.tenant_context import reset_current_tenant
from platform_core.extensions import db
from platform_core.web.input_guard import NulRefused, init_input_guard

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'",
}


def init_web_hooks(app: Flask) -> None:
    init_input_guard(app, reads_own_json=wants_json)

    @app.teardown_request
    def _reset_tenant(exc):
        # A thread that serves the next request must not inherit this request's tenant.
        token = g.pop("tenant_context_token", None)
        if token is not None:
            reset_current_tenant(token)

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.errorhandler(NulRefused)
    def _nul_refused(error: NulRefused):
        if wants_json():
            return json_error({error.field: ["must not contain NUL characters"]}), 400
        return render_template("error.html", error=error), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if wants_json():
            body = json_error({"_request": [error.description]})
        else:
            body = render_template("error.html", error=error)
        return body, error.code, protocol_headers(error)

    @app.errorhandler(Exception)
    def _unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error({"_server": ["internal error"]}), 500
        return render_template("error.html", error=None), 500


def protocol_headers(error: HTTPException) -> list[tuple[str, str]]:
    """The headers HTTP asks of the error (`Allow` on a 405, `WWW-Authenticate`, `Retry-After`), without the
    default page's Content-Type."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/zalo/")


def json_error(errors: dict):
    """The one error shape of the JSON API: {"errors": {"field": ["message"]}}."""
    return jsonify(errors=errors)
