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


DOSSIER_DEFAULTS = {
    "procedure_code": "1.004222",
    "applicant": {"name": "Nguyễn Văn An", "phone": "0912345678"},
    "received_at": "2026-07-15T08:30:00+07:00",
    "due_at": "2026-07-24T17:00:00+07:00",
    "channel": 2,
}


def dossier_body(code: str = "H15.50.05.13-260715-0001", **fields) -> dict:
    """A valid creation body for POST /api/v1/dossiers (dates as the API takes them)."""
    return {"code": code} | DOSSIER_DEFAULTS | fields


def create_dossier(code: str = "H15.50.05.13-260715-0001", simulated: bool = False, **fields):
    """A dossier of the tenant in context, created through the service (so with its first event and
    notification, as the API would)."""
    from platform_core.dossiers import service
    from platform_core.dossiers.schemas import DossierInput

    dossier, _ = service.create_dossier(DossierInput().load(dossier_body(code, **fields)), simulated=simulated)
    return dossier
