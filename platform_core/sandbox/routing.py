"""Route tables of the fake Zalo hosts: one per host module, like a Flask blueprint, served by server.py.

    routes = Routes("/openapi")

    @routes.post("/v2.0/oa/upload/{kind}")      # aiohttp's path syntax; the parts arrive in call.params
    def upload(call: Call) -> Reply: ...

A view is a plain function of the call; it runs after pipeline.py's checks, under the state's lock.
"""

from collections.abc import Callable
from dataclasses import dataclass

from platform_core.sandbox.calls import Call, Reply

View = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    view: View


class Routes:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.routes: list[Route] = []

    def route(self, path: str, methods: tuple[str, ...] = ("GET",)) -> Callable[[View], View]:
        def register(view: View) -> View:
            self.routes.extend(Route(method, self.prefix + path, view) for method in methods)
            return view
        return register

    def get(self, path: str) -> Callable[[View], View]:
        return self.route(path, ("GET",))

    def post(self, path: str) -> Callable[[View], View]:
        return self.route(path, ("POST",))
