"""Factories for test data. Tenant-scoped ones run in the tenant in context (like the app)."""

from sqlalchemy import select

from platform_core.apikeys import service as apikeys
from platform_core.auth.models import Membership, User
from platform_core.auth.passwords import hash_password
from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant

DEFAULT_PASSWORD = "mot-cua-test-password"


def create_tenant(slug: str, name: str, code: str | None = None, status: str = "live") -> Tenant:
    tenant = Tenant(slug=slug, name=name, code=code, status=status)
    db.session.add(tenant)
    db.session.flush()
    return tenant


def tenant_by_slug(slug: str) -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def create_procedure(code: str, name: str, **fields) -> Procedure:
    values = dict(field="Hộ tịch", level="xa", agency="UBND cấp xã", online_level="mot_phan") | fields
    procedure = Procedure(code=code, name=name, **values)
    db.session.add(procedure)
    db.session.flush()
    return procedure


def create_user(email: str, password: str = DEFAULT_PASSWORD, full_name: str = "Nguyễn Văn A",
                tenant: Tenant | None = None, role: str | None = None, operator: bool = False) -> User:
    user = User(email=email, full_name=full_name, password_hash=hash_password(password),
                platform_role="operator" if operator else None)
    db.session.add(user)
    db.session.flush()
    if tenant is not None:
        db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role=role or "officer"))
        db.session.flush()
    return user


def create_api_key(name: str = "test key", kind: str = "live"):
    """Returns (ApiKey, plaintext) for the tenant in context."""
    return apikeys.create_key(name, kind)
