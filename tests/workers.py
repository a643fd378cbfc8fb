"""Which pytest-xdist worker this process is, and what it uses of the servers that settings name (the run in
parallel: tests/parallel.py). Everything else a worker starts for itself (bundled Redis, Zalo sandbox, SQLite
files, instance folders) is its own already."""

import os
from urllib.parse import urlsplit, urlunsplit


def worker_id() -> str | None:
    """"gw0", "gw1", ... in an xdist worker; None in a run without workers."""
    return os.environ.get("PYTEST_XDIST_WORKER")


def worker_database(name: str) -> str:
    """The PostgreSQL database of this worker: `motcua_test_gw1` for `motcua_test`."""
    return f"{name}_{worker_id()}" if worker_id() else name


def worker_redis(url: str) -> str:
    """A given Redis URL moved on by the worker's number: gw0 keeps /0, gw1 gets /1 (from /0), and so on."""
    if not worker_id():
        return url
    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker_id().removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{number}"))
