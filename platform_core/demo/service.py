"""`flask demo`: three live demo provinces with logins and an API key each, built through the real services
(so tenant history, memberships and audit rows exist as they would for a real province). Idempotent: a
second run reuses the tenants, users and stored keys and changes nothing else.

DEMO ONLY: every demo login shares one published password, and the keys are written to a file. Never run
this against a production database (the command refuses when MOTCUA_ENV=production).
"""

from dataclasses import dataclass, field
from pathlib import Path

from platform_core.apikeys import service as apikeys
from platform_core.audit.service import record_event
from platform_core.auth import service as accounts
from platform_core.auth.constants import ROLE_ADMIN, ROLE_OFFICER, ROLE_OPERATOR
from platform_core.auth.models import User
from platform_core.auth.passwords import hash_password, verify_password
from platform_core.demo.credentials import credentials_path, read_stored_keys, write_credentials
from platform_core.extensions import db
from platform_core.provisioning.sync import Sources, SyncReport, apply_sources, provision_tenant, tenant_scope
from platform_core.tenancy import service as tenancy
from platform_core.tenancy.constants import STATUS_LIVE
from platform_core.tenancy.models import Tenant

DEMO_SLUGS = ("bac-ninh", "da-nang", "an-giang")
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105 - published on purpose: demo data only
OPERATOR_EMAIL = "operator@motcua.demo"
API_KEY_NAME = "demo"


@dataclass
class DemoProvince:
    slug: str
    name: str
    admin_email: str
    officer_email: str
    api_key: str

    @property
    def url_path(self) -> str:
        return f"/{self.slug}/"


@dataclass
class DemoResult:
    sync: SyncReport
    provinces: list[DemoProvince]
    credentials_file: Path
    created: list[str] = field(default_factory=list)  # what this run added, e.g. "tenant an-giang"


def run_demo(sources: Sources, instance_path: Path) -> DemoResult:
    """Sync the validated tenants/ sources, then make sure the demo provinces, users and keys exist; one
    transaction, committed."""
    path = credentials_path(instance_path)
    try:
        result = DemoResult(sync=apply_sources(sources), provinces=[], credentials_file=path)
        stored_keys = read_stored_keys(path)
        for slug in DEMO_SLUGS:
            result.provinces.append(_demo_province(sources, slug, stored_keys.get(slug), result.created))
        _ensure_user(OPERATOR_EMAIL, "Vận hành Motcua (demo)", result.created, operator=True)
        # The file is written before the commit: a key must never exist without the only copy of it.
        write_credentials(path, credentials_content(result.provinces))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def _demo_province(sources: Sources, slug: str, stored_key: str | None, created: list[str]) -> DemoProvince:
    tenant = _ensure_live_tenant(sources, slug, created)
    admin = _ensure_member(f"admin@{slug}.demo", f"Quản trị viên {tenant.name} (demo)", tenant, ROLE_ADMIN, created)
    officer = _ensure_member(f"officer@{slug}.demo", f"Cán bộ {tenant.name} (demo)", tenant, ROLE_OFFICER, created)
    api_key = _ensure_api_key(tenant, stored_key, created)
    return DemoProvince(slug, tenant.name, admin.email, officer.email, api_key)


def _ensure_live_tenant(sources: Sources, slug: str, created: list[str]) -> Tenant:
    """Reuse the tenant if it exists; otherwise create it as onboarding does, then go live through the
    service (a refused transition, e.g. from merged, raises TenantError)."""
    tenant = tenancy.find_by_slug(slug)
    if tenant is None:
        tenant, _ = provision_tenant(sources, slug)
        created.append(f"tenant {slug}")
    if tenant.status != STATUS_LIVE:
        tenancy.go_live(tenant)
    return tenant


def _ensure_user(email: str, full_name: str, created: list[str], operator: bool = False) -> User:
    """The demo password must work, as the printed table says: a demo user whose password was changed gets
    it back (audited)."""
    user = accounts.find_user(email)
    if user is None:
        created.append(f"user {email}")
        return accounts.create_user(email, full_name, DEMO_PASSWORD, operator=operator)
    if not verify_password(user.password_hash, DEMO_PASSWORD):
        user.password_hash = hash_password(DEMO_PASSWORD)
        accounts.revoke_sessions(user)
        record_event("demo_password_reset", target=user, platform=True, details={"email": email})
    if operator and user.platform_role != ROLE_OPERATOR:
        user.platform_role = ROLE_OPERATOR
    return user


def _ensure_member(email: str, full_name: str, tenant: Tenant, role: str, created: list[str]) -> User:
    user = _ensure_user(email, full_name, created)
    if user.role_in(tenant.id) != role:
        accounts.grant_role(user, tenant, role)
    return user


def _ensure_api_key(tenant: Tenant, stored_key: str | None, created: list[str]) -> str:
    """The stored key if it still authenticates as a live key of this tenant, else a new live key."""
    with tenant_scope(tenancy.ref(tenant)):
        key = apikeys.authenticate(stored_key) if stored_key else None
        if key is not None and key.kind == "live":
            return stored_key
        _, plaintext = apikeys.create_key(API_KEY_NAME, "live")
    created.append(f"API key for {tenant.slug}")
    return plaintext


def credentials_content(provinces: list[DemoProvince]) -> dict:
    return {
        "warning": "Demo credentials written by 'flask demo'. Demo only: never use them in production.",
        "password": DEMO_PASSWORD,
        "operator": OPERATOR_EMAIL,
        "provinces": {
            province.slug: {
                "url": province.url_path, "admin": province.admin_email,
                "officer": province.officer_email, "api_key": province.api_key,
            }
            for province in provinces
        },
    }
