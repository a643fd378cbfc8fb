"""The sandbox's Flask app and the HTTP server that keeps Zalo's underscored header names.

Why a custom request handler: Zalo's request headers are `access_token` and `secret_key`. Werkzeug's dev
server skips every header name containing `_` when it builds the WSGI environ (and gunicorn drops them by
default), so a plain server would never see a token (zalo-oa.md, "Underscored header names"). The handler
below copies the raw header list into the environ under its own key; common.underscored_header() reads the
exact name from it, so the dashed `access-token` (which Werkzeug *would* pass as HTTP_ACCESS_TOKEN) is not
taken as a substitute.
"""

import io
import socket
import struct
import threading

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

from platform_core.sandbox import pipeline
from platform_core.sandbox.cdn import cdn_bp
from platform_core.sandbox.common import RAW_HEADERS_KEY, RESET_KEY
from platform_core.sandbox.control import control_bp
from platform_core.sandbox.oauth import oauth_bp
from platform_core.sandbox.openapi import openapi_bp
from platform_core.sandbox.phone_views import phone_bp
from platform_core.sandbox.state import SandboxState
from platform_core.sandbox.zns import zns_bp


class ConnectionResetRequested(ConnectionResetError):
    """Raised after the app asked for a reset; Werkzeug routes ConnectionErrors to connection_dropped()."""


class UnderscoreHeadersHandler(WSGIRequestHandler):
    def make_environ(self):
        environ = super().make_environ()
        environ[RAW_HEADERS_KEY] = list(self.headers.items())
        return environ

    def connection_dropped(self, error, environ=None):
        """An injected `reset` fault: close with SO_LINGER 0 so the client gets a TCP RST, not a response."""
        if not isinstance(error, ConnectionResetRequested):
            return
        self.close_connection = True
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # drop the makefile() references so that close() really closes the socket now
        self.wfile.close()
        self.connection.close()
        self.rfile, self.wfile = io.BytesIO(), io.BytesIO()  # http.server still flushes and closes them

    def log_request(self, *args, **kwargs):
        if not getattr(self.server, "quiet", False):
            super().log_request(*args, **kwargs)


class ResetMiddleware:
    """Turns the RESET_KEY flag set by a fault into ConnectionResetRequested before anything is written."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        body = self.app(environ, start_response)
        if environ.get(RESET_KEY):
            if hasattr(body, "close"):
                body.close()
            raise ConnectionResetRequested("injected connection reset")
        return body


def create_app(sandbox: SandboxState | None = None) -> Flask:
    app = Flask(__name__)
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    app.extensions["zalo_sandbox"] = sandbox or SandboxState()
    app.before_request(pipeline.before_request)
    app.after_request(pipeline.after_request)
    for blueprint in (oauth_bp, openapi_bp, zns_bp, control_bp, phone_bp, cdn_bp):
        app.register_blueprint(blueprint)
    app.wsgi_app = ResetMiddleware(app.wsgi_app)
    return app


class SandboxServer:
    """A threaded server on (host, port) in a background thread; port 0 picks a free port."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, sandbox: SandboxState | None = None,
                 quiet: bool = True):
        self.state = sandbox or SandboxState()
        self.app = create_app(self.state)
        self.httpd = make_server(host, port, self.app, threaded=True, request_handler=UnderscoreHeadersHandler)
        self.httpd.quiet = quiet
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def urls(self) -> dict:
        return {name: f"{self.base_url}/{name}" for name in ("oauth", "openapi", "business")}

    def start(self) -> "SandboxServer":
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="zalo-sandbox", daemon=True)
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)
