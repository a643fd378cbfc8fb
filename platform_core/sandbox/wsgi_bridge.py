"""The sandbox's Flask pages (control API, phone view, CDN, static files) served by its aiohttp server.

Each request runs in a worker thread: these views may block (a phone form POSTs a signed webhook to the product
and waits for its answer, and the product may call the sandbox back meanwhile), which the event loop serving
the Zalo hosts must never do. The body is read whole first and the answer is collected whole: pages are small.
"""

import asyncio
import io
import sys
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_to_bytes

from aiohttp import web
from multidict import CIMultiDict

PAGE_THREADS = 32
_NOT_FORWARDED = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})


class WsgiBridge:
    """An aiohttp handler that answers with a WSGI app run in a thread pool."""

    def __init__(self, wsgi_app, threads: int = PAGE_THREADS) -> None:
        self.wsgi_app = wsgi_app
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="zalo-sandbox-page")

    async def handle(self, request: web.Request) -> web.Response:
        environ = wsgi_environ(request, await request.read())
        status, reason, headers, body = await asyncio.get_running_loop().run_in_executor(self.pool, self.run, environ)
        return web.Response(body=body, status=status, reason=reason, headers=headers)

    def run(self, environ: dict) -> tuple[int, str, CIMultiDict, bytes]:
        started, chunks = {}, []

        def start_response(status, headers, exc_info=None):
            started["status"], started["headers"] = status, headers
            return chunks.append  # the legacy write() callable

        result = self.wsgi_app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        code, _, reason = started["status"].partition(" ")
        headers = CIMultiDict((name, value) for name, value in started["headers"]
                              if name.lower() not in _NOT_FORWARDED)
        return int(code), reason, headers, b"".join(chunks)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def wsgi_environ(request: web.Request, body: bytes) -> dict:
    """PEP 3333's environ. Header names with `_` are left out, as Werkzeug's own server does (no spoofing of
    the dashed spelling); the pages read none of them."""
    raw_path, _, query = request.raw_path.partition("?")
    server_name, server_port = (request.transport.get_extra_info("sockname") or ("127.0.0.1", 0))[:2]
    environ = {
        "REQUEST_METHOD": request.method, "SCRIPT_NAME": "", "QUERY_STRING": query,
        "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
        "SERVER_NAME": str(server_name), "SERVER_PORT": str(server_port),
        "SERVER_PROTOCOL": f"HTTP/{request.version.major}.{request.version.minor}",
        "REMOTE_ADDR": request.remote or "", "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": request.headers.get("Content-Type", ""),
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
        "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False,
    }
    for name, value in request.headers.items():
        key = "HTTP_" + name.upper().replace("-", "_")
        if "_" in name or key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
            continue
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ
