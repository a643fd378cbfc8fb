"""What the benchmarks share: the app on a fresh, migrated SQLite database, a live province in it, and the bundled
Redis with the Zalo sandbox."""

import subprocess
from contextlib import ExitStack
from pathlib import Path

from cryptography.fernet import Fernet
from flask_migrate import upgrade

from platform_core import create_app
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


def stop_redis(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
