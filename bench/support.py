"""What the benchmarks share: the app on a fresh, migrated SQLite database, a live province in it, and the bundled
Redis with the Zalo sandbox (in a thread of the benchmark, or in a process of its own)."""

import subprocess
from contextlib import ExitStack
from pathlib import Path
from types import SimpleNamespace

from cryptography.fernet import Fernet

from bench.sandbox_ceiling import cpu_seconds, start_sandbox
from platform_core import create_app
from platform_core.db.migrations import upgrade
from platform_core.db.tenant_context import TenantRef
from platform_core.extensions import db
from platform_core.jobs.embedded_redis import start_server
from platform_core.sandbox.server import SandboxServer
from platform_core.tenancy.models import Tenant
from tests.zalo_sandbox_fixtures import ZaloSandbox


def sqlite_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / 'bench.sqlite3'}"


def migrated_app(workdir: Path, redis_url: str, encryption_key: str | None = None):
    """The app on `workdir`'s SQLite database, migrated (call inside no app context; returns the app)."""
    url = sqlite_url(workdir)
    app = create_app({"INSTANCE_PATH": str(workdir), "SECRET_KEY": "bench",
                      "ENCRYPTION_KEYS": [encryption_key or Fernet.generate_key().decode()],
                      "SQLALCHEMY_DATABASE_URI": url, "DATABASE_OWNER_URL": url, "REDIS_URL": redis_url})
    with app.app_context():
        upgrade()
    return app


def live_province(slug: str = "bench-tinh", name: str = "Bench") -> TenantRef:
    """A live tenant, flushed (inside an app context); enter it with `tenant_context`."""
    tenant = Tenant(slug=slug, name=name, status="live")
    db.session.add(tenant)
    db.session.flush()
    return TenantRef(tenant.id, tenant.slug)


def redis_and_sandbox(cleanup: ExitStack, workdir: Path, latency_ms: int) -> tuple[str, ZaloSandbox]:
    """The bundled Redis and the Zalo sandbox (in a thread of this process, `latency_ms` on every Zalo call, no
    receipts, no echoes), both stopped when `cleanup` closes. Returns (Redis URL, sandbox)."""
    redis_process, redis_url = start_server(workdir / "redis")
    cleanup.callback(stop_redis, redis_process)
    server = SandboxServer(quiet=True).start()
    cleanup.callback(server.stop)
    sandbox = ZaloSandbox(server)
    cleanup.callback(sandbox.http.close)
    sandbox.settings(latency_ms=latency_ms, receipt_delay_ms=None, echo_sends=False)
    return redis_url, sandbox


class SandboxProcess:
    """`python -m platform_core.sandbox` in a process of its own, as `make run` has it: an asyncio server on a
    core of its own, so that the figures measure the platform, not a sandbox thread sharing the benchmark's GIL
    (issue 11 item 6). Driven over HTTP through ZaloSandbox's control calls; it has no in-memory view here, so
    ZaloSandbox takes the ids it is given as OA ids."""

    def __init__(self, latency_ms: int):
        self.process, self.base_url = start_sandbox(latency_ms)
        self.pid = self.process.pid
        self.state = SimpleNamespace(apps={})

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def redis_and_sandbox_process(cleanup: ExitStack, workdir: Path, latency_ms: int) -> tuple[str, ZaloSandbox]:
    """The bundled Redis and the sandbox in a process of its own (`sandbox.server` is the SandboxProcess), set
    as `redis_and_sandbox` sets its own, both stopped when `cleanup` closes. Returns (Redis URL, sandbox)."""
    redis_process, redis_url = start_server(workdir / "redis")
    cleanup.callback(stop_redis, redis_process)
    process = SandboxProcess(latency_ms)
    cleanup.callback(process.stop)
    sandbox = ZaloSandbox(process)
    cleanup.callback(sandbox.http.close)
    sandbox.settings(receipt_delay_ms=None, echo_sends=False)
    return redis_url, sandbox


def stop_redis(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
