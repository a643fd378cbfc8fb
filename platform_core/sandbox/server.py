"""The sandbox's one HTTP server: asyncio (aiohttp) for everything, on one port.

- The three Zalo hosts (/oauth, /openapi, /business) are served on the event loop: the route tables of
  oauth.py, openapi.py and zns.py, behind pipeline.py. The artificial latency is awaited, not slept in a
  thread, so one process answers thousands of calls a second with hundreds waiting at once, enough for the
  delivery bench to measure the product rather than the sandbox (bench/sandbox_ceiling.py prints the figure).
- The control API (/_fake), the phone view (/) and the CDN (/cdn) are Flask views run in a thread pool
  (wsgi_bridge.py); they share the one SandboxState, whose lock the Zalo views take too.

Why the raw header list: Zalo's request headers are `access_token` and `secret_key`. Werkzeug's dev server
skips every header name containing `_` when it builds the WSGI environ (and gunicorn drops them by default),
so a plain WSGI server would never see a token (docs/zalo-oa.md §9.1, underscored header names). aiohttp keeps the
headers as sent (`raw_headers`); Call.header() reads the exact name from them, so the dashed `access-token`
is not taken as a substitute.
"""

import asyncio
import signal
import socket
import struct
import threading

import uvloop
from aiohttp import web
from flask import Flask
from werkzeug.serving import WSGIRequestHandler

from platform_core.sandbox import articles, oauth, openapi, pipeline, zns
from platform_core.sandbox.calls import Call
from platform_core.sandbox.cdn import cdn_bp
from platform_core.sandbox.common import RAW_HEADERS_KEY
from platform_core.sandbox.control import control_bp
from platform_core.sandbox.phone_views import phone_bp
from platform_core.sandbox.routing import View
from platform_core.sandbox.state import SandboxState
from platform_core.sandbox.wsgi_bridge import WsgiBridge

ZALO_ROUTES = (*oauth.routes.routes, *openapi.routes.routes, *articles.routes.routes, *zns.routes.routes)
MAX_BODY = 16 * 1024 * 1024  # uploads go up to 5 MB; aiohttp's default would refuse anything above 1 MB
BACKLOG = 2048  # the bench opens hundreds of connections at once; a full backlog costs a client a 1 s SYN retry
SHUTDOWN_S = 1.0


def create_pages_app(sandbox: SandboxState) -> Flask:
    """The control API, the phone view and the CDN (Flask, as the product's own pages)."""
    app = Flask(__name__)
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False
    app.extensions["zalo_sandbox"] = sandbox
    for blueprint in (control_bp, phone_bp, cdn_bp):
        app.register_blueprint(blueprint)
    return app


@web.middleware
async def client_gone(request: web.Request, handler) -> web.StreamResponse:
    """A client that hangs up while sending its body (a worker killed in the chaos tests) is nobody's error:
    no traceback in the log, and the answer goes nowhere."""
    try:
        return await handler(request)
    except ConnectionResetError:
        return web.Response(status=400)


def create_app(sandbox: SandboxState, pages: WsgiBridge) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY, middlewares=[client_gone])
    for route in ZALO_ROUTES:
        app.router.add_route(route.method, route.path, zalo_handler(sandbox, route.view))
    app.router.add_route("*", "/{host:(oauth|openapi|business)}/{rest:.*}", zalo_handler(sandbox, pipeline.not_found))
    app.router.add_route("*", "/{path:.*}", pages.handle)
    return app


def zalo_handler(sandbox: SandboxState, view: View):
    async def handle(request: web.Request) -> web.StreamResponse:
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.raw_headers]
        call = Call(sandbox, request.method, request.path, request.rel_url.raw_query_string, headers,
                    await request.read(), dict(request.match_info), f"http://{request.host}/")
        reply = await pipeline.serve(call, view)
        if reply.reset:
            reset_connection(request)
        return web.Response(body=reply.body, status=reply.status,
                            headers={"Content-Type": reply.content_type, **reply.headers})
    return handle


def reset_connection(request: web.Request) -> None:
    """An injected `reset` fault: close with SO_LINGER 0 so that the client gets a TCP RST, not an answer."""
    transport = request.transport
    if transport is None:
        return
    transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


class SandboxServer:
    """The server on (host, port): the socket is bound at once (port 0 picks a free one; early connections wait
    in the backlog); start() serves in a background thread, serve_forever() in this one. The event loop is
    the server's own and runs only in the serving thread, so a caller with a loop of its own can host it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, sandbox: SandboxState | None = None,
                 quiet: bool = True):
        self.state = sandbox or SandboxState()
        self.pages = WsgiBridge(create_pages_app(self.state))
        self.socket = socket.create_server((host, port), backlog=BACKLOG)
        self.loop = uvloop.new_event_loop()  # libuv's loop: about 15 % less CPU per call than asyncio's own
        self.runner = web.AppRunner(create_app(self.state, self.pages), shutdown_timeout=SHUTDOWN_S,
                                    **({"access_log": None} if quiet else {}))
        self.thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def urls(self) -> dict:
        return {name: f"{self.base_url}/{name}" for name in ("oauth", "openapi", "business")}

    def start(self) -> "SandboxServer":
        self.thread = threading.Thread(target=self.serve_forever, name="zalo-sandbox", daemon=True)
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        """Until stop() (or Ctrl-C); then in-flight calls get SHUTDOWN_S to finish and everything is closed."""
        asyncio.set_event_loop(self.loop)
        if threading.current_thread() is threading.main_thread():
            self._stop_on_signals()
        try:
            self.loop.run_until_complete(self._open())
            self.loop.run_forever()
        finally:
            self.loop.run_until_complete(self.runner.cleanup())
            self.loop.close()
            self.pages.close()
            self.socket.close()

    def _stop_on_signals(self) -> None:
        """Ctrl-C and SIGTERM stop the loop, which then closes cleanly (a KeyboardInterrupt raised inside a
        call would leave a traceback behind); a signal the parent told us to ignore stays ignored."""
        for number in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(number) is not signal.SIG_IGN:
                self.loop.add_signal_handler(number, self.loop.stop)

    async def _open(self) -> None:
        await self.runner.setup()
        await web.SockSite(self.runner, self.socket, backlog=BACKLOG).start()

    def stop(self) -> None:
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.loop.stop)
        if self.thread is not None:
            self.thread.join(timeout=5)


class UnderscoreHeadersHandler(WSGIRequestHandler):
    """For a WSGI app on Werkzeug's own server that must see underscored header names (a webhook receiver
    reading `num_retry`): the raw header list goes into the environ under RAW_HEADERS_KEY."""

    def make_environ(self):
        environ = super().make_environ()
        environ[RAW_HEADERS_KEY] = list(self.headers.items())
        return environ
