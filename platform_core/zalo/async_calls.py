"""Many Zalo calls in flight from plain synchronous code: aiohttp on an event loop, reached through greenlets.

Why: a delivery batch sends hundreds of messages at Zalo's 50 ms or so per call. httpx's sync client on a thread
pool pays about a millisecond of CPU per call in its pure-Python connection pool and HTTP parser, plus a thread
per call in flight; `httpx.AsyncClient` stalls under concurrency (docs/architecture.md, performance notes).
aiohttp (already the sandbox's server) costs a fraction of that per call. But the code that decides what to
send (routes, fallbacks, the error taxonomy in zalo/client.py and delivery/sender.py) is synchronous and shared
with every other caller, and a second, async copy of it would be a twin to keep in step.

So the sync code runs unchanged inside greenlets on an event loop (the technique SQLAlchemy's asyncio extension
uses, through its `greenlet_spawn` and `await_`): `CallRunner.map(fn, items)` runs `fn(item)` for every item
side by side, each in a greenlet; when one reaches `ZaloClient._send`, `await_` hands the aiohttp call to the
loop and switches to the next greenlet. Outside `map` (web requests, CLI, tests that send one message at a
time) the runner is not running and the client uses httpx as before.

One runner per process and thread that sends, made on first use and remade after a fork; its event loop runs
only while `map` runs, in the caller's thread. Only JSON bodies and query strings go this way; uploads (a
multipart file) keep httpx even inside `map`, holding the loop for their duration (they are rare: results).

zalo/client.py imports this module when a thread first sends side by side: importing aiohttp costs about 0.1 s
of CPU, which every other process (web, pump, scheduler, a CLI command) would pay at start for nothing.
"""

import asyncio
import os
from collections.abc import Mapping
from dataclasses import dataclass

import aiohttp
import httpx
import orjson
from sqlalchemy.util import await_, greenlet_spawn


@dataclass(frozen=True, slots=True)
class Answer:
    """An aiohttp answer as the client reads every answer (zalo/client.py `_read_answer`): `status_code`,
    `headers` (case-insensitive), `content`, `text` and `json()`, as on an httpx.Response. Building an
    httpx.Response instead cost about 5 % of a delivery batch's CPU (py-spy, bench/delivery_batch.py)."""

    status_code: int
    headers: Mapping[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self):
        """Raises ValueError when the body is not JSON, as httpx does (orjson's error is one)."""
        return orjson.loads(self.content)


class CallRunner:
    """An event loop and an aiohttp session for one process and thread (see the module's docstring)."""

    def __init__(self, in_flight: int, connect_timeout: float = 5, read_timeout: float = 10):
        self.pid = os.getpid()
        self.in_flight = in_flight
        self.loop = _new_loop()
        self.timeout = aiohttp.ClientTimeout(total=connect_timeout + read_timeout, connect=connect_timeout,
                                             sock_read=read_timeout)
        self.session: aiohttp.ClientSession | None = None
        self.running = False  # within `map`: the client's calls made from its greenlets go on the loop

    def map(self, fn, items) -> list:
        """[fn(item) for item in items], run side by side (at most `in_flight` calls at once), in order. An
        exception raised by one is raised once all have finished, so none is left half-done."""
        self.running = True
        try:
            results = self.loop.run_until_complete(self._gather(fn, list(items)))
        finally:
            self.running = False
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return results

    async def _gather(self, fn, items: list) -> list:
        if self.session is None:
            connector = aiohttp.TCPConnector(limit=self.in_flight, limit_per_host=self.in_flight, ttl_dns_cache=300)
            self.session = aiohttp.ClientSession(connector=connector, timeout=self.timeout, auto_decompress=True)
        return await asyncio.gather(*(greenlet_spawn(fn, item) for item in items), return_exceptions=True)

    def takes(self, request_kwargs: dict) -> bool:
        """Whether a call goes on the loop: made inside `map`, with a JSON body or none (not a form, not an
        upload)."""
        return self.running and set(request_kwargs) <= {"json", "params"}

    def request(self, method: str, url: str, headers: dict, params: dict | None, body: object) -> Answer:
        """From inside `map`: one call on the loop, waited for by switching to the other greenlets. The answer
        reads like an httpx.Response (`Answer`), so that the client reads every answer the same way. Transport
        failures raise httpx's exceptions, which the client already classifies."""
        return await_(self._request(method, url, headers, params, body))

    async def _request(self, method: str, url: str, headers: dict, params, body) -> Answer:
        data = None
        if body is not None:
            data = orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS)  # compact UTF-8, as json.dumps would make
            headers = {**headers, "Content-Type": "application/json"}
        try:
            async with self.session.request(method, url, headers=headers, params=params, data=data,
                                            allow_redirects=False) as answer:
                content = await answer.read()
                return Answer(answer.status, answer.headers, content)
        except TimeoutError as error:
            raise httpx.ReadTimeout(str(error) or "timed out") from error
        except aiohttp.ClientError as error:
            raise httpx.ConnectError(str(error) or type(error).__name__) from error

    def close(self) -> None:
        if self.pid != os.getpid() or self.loop.is_closed():
            return  # a forked child's copy: the parent owns the sockets
        if self.session is not None:
            self.loop.run_until_complete(self.session.close())
        self.loop.close()


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # uvloop has no Windows build; the default loop is slower, not different
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()
