"""What the intake benchmarks share: the app on a fresh, migrated SQLite database, and a live province in it."""

from pathlib import Path

from cryptography.fernet import Fernet
from flask_migrate import upgrade

from platform_core import create_app
from platform_core.db.tenant_context import TenantRef
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant


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
