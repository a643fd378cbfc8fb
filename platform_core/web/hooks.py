"""Request-wide hooks: tenant context reset, security headers, and error pages (JSON under /api)."""

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from platform_core.extensions import db
from platform_core.tenancy.context import reset_current_tenant

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'",
}


def init_web_hooks(app: Flask) -> None:
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

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if wants_json():
            return json_error({"_request": [error.description]}), error.code
        return render_template("error.html", error=error), error.code

    @app.errorhandler(Exception)
    def _unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if wants_json():
            return json_error({"_server": ["internal error"]}), 500
        return render_template("error.html", error=None), 500


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path.startswith("/zalo/")


def json_error(errors: dict):
    """The one error shape of the JSON API: {"errors": {"field": ["message"]}}."""
    return jsonify(errors=errors)
