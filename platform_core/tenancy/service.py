"""Creating tenants, moving them through their lifecycle, and finding them by id or slug.

Creations and status changes are audited on the platform's log: the audit service (platform_core/audit/) is
above this layer, so it is reached through the listener platform_core/wiring.py registers (`on_audited_change`),
and a change with no listener registered is refused rather than left unaudited.
"""

import re
import uuid
from collections.abc import Callable

from sqlalchemy import select

from platform_core.db.tenant_context import TenantRef
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.tenancy.constants import (
    STATUS_LIVE,
    STATUS_MERGED,
    STATUS_ONBOARDING,
    STATUSES,
    TRANSITIONS,
    UNIT_TYPES,
)
from platform_core.tenancy.models import Province, Tenant, TenantHistory, TenantSlugAlias

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"api", "operator", "login", "logout", "static", "healthz", "readyz", "zalo", "account", "lang"}


_audit_listeners: list[Callable[..., object]] = []


class TenantError(FieldError):
    """A tenant operation refused, with the field it concerns (for CLI and form messages)."""


def ref(tenant: Tenant) -> TenantRef:
    return TenantRef(id=tenant.id, slug=tenant.slug)


def tenant_ref_by_id(tenant_id: uuid.UUID) -> TenantRef | None:
    tenant = db.session.get(Tenant, tenant_id)
    return ref(tenant) if tenant else None


def tenant_refs_by_id(tenant_ids) -> dict[uuid.UUID, TenantRef]:
    """The refs of those of `tenant_ids` that exist, in one query."""
    rows = db.session.execute(select(Tenant.id, Tenant.slug).where(Tenant.id.in_(list(tenant_ids))))
    return {tenant_id: TenantRef(id=tenant_id, slug=slug) for tenant_id, slug in rows}


def find_by_slug(slug: str) -> Tenant | None:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def find_alias_target(slug: str) -> Tenant | None:
    alias = db.session.scalar(select(TenantSlugAlias).where(TenantSlugAlias.slug == slug))
    return db.session.get(Tenant, alias.tenant_id) if alias else None


def successor_of(tenant: Tenant) -> Tenant | None:
    """Where a merged province's addresses lead: its successor, or the successor's own if that merged too."""
    current, seen = tenant, {tenant.id}
    while current.successor_id is not None and current.successor_id not in seen:
        following = db.session.get(Tenant, current.successor_id)
        if following is None:
            break
        seen.add(following.id)
        current = following
    return None if current is tenant else current


def predecessors_of(tenant_id: uuid.UUID) -> list[Tenant]:
    """The provinces merged into the tenant, and those merged into them, and so on (successor_of's reverse): what
    they signed before their merge (result, rating and registration links, docs/domain.md §5.3) now belongs to
    the tenant."""
    found, frontier = [], [tenant_id]
    seen = {tenant_id}
    while frontier:
        merged = db.session.scalars(select(Tenant).where(Tenant.successor_id.in_(frontier))).all()
        merged = [row for row in merged if row.id not in seen]
        seen.update(row.id for row in merged)
        found += merged
        frontier = [row.id for row in merged]
    return found


def read_signed(tenant_id: uuid.UUID, read: Callable[[uuid.UUID], object], bad: type[Exception]):
    """`read(signer_id)` of a token signed under a salt naming a province: for the tenant, then for each province
    merged into it, so that links sent before a merge keep working in the successor (docs/domain.md §5.3). `bad`
    (a signature that is not that province's) tries the next; any other refusal (an expired token: its signature
    was verified) is final. `bad` when no province's signature verifies."""
    try:
        return read(tenant_id)
    except bad:
        pass
    for merged in predecessors_of(tenant_id):
        try:
            return read(merged.id)
        except bad:
            continue
    raise bad


def validate_slug(slug: str) -> None:
    if not SLUG_PATTERN.match(slug or "") or len(slug) > 64:
        raise TenantError("slug", "use lower-case letters, digits and single hyphens (e.g. bac-ninh)")
    if slug in RESERVED_SLUGS:
        raise TenantError("slug", f"'{slug}' is reserved for the platform")


def create_tenant(slug: str, name: str | None = None, status: str = STATUS_ONBOARDING, actor=None) -> Tenant:
    """Create a tenant; a known province slug fills in code, name and unit type from the registry."""
    validate_slug(slug)
    if find_by_slug(slug) or find_alias_target(slug):
        raise TenantError("slug", f"a tenant '{slug}' already exists")
    if status not in STATUSES:
        raise TenantError("status", f"unknown status '{status}'")
    province = db.session.scalar(select(Province).where(Province.slug == slug))
    if province is None and not name:
        raise TenantError("name", f"'{slug}' is not a known province; give --name")
    tenant = Tenant(
        slug=slug,
        name=name or province.name,
        code=province.code if province else None,
        unit_type=province.unit_type if province else "tinh",
        timezone=(province.profile or {}).get("timezone", "Asia/Ho_Chi_Minh") if province else "Asia/Ho_Chi_Minh",
        status=status,
    )
    if tenant.unit_type not in UNIT_TYPES:
        raise TenantError("unit_type", f"unknown unit type '{tenant.unit_type}'")
    db.session.add(tenant)
    db.session.flush()
    _record_history(tenant, "created", None, tenant.name)
    for predecessor in _merged_predecessors(province, tenant.name):
        _record_history(tenant, "merge_in", predecessor.get("name"), tenant.name, legal_ref="202/2025/QH15")
    _audit("tenant_created", actor=actor, target=tenant, details={"slug": slug})
    return tenant


def _merged_predecessors(province: Province | None, name: str) -> list[dict]:
    """Predecessors merged in by the 2025 reform; a province the reform left alone has none worth recording."""
    predecessors = province.predecessors if province else []
    if len(predecessors) == 1 and predecessors[0].get("name") == name:
        return []
    return predecessors


def change_status(tenant: Tenant, new_status: str, actor=None, reason: str | None = None) -> Tenant:
    if new_status not in STATUSES:
        raise TenantError("status", f"unknown status '{new_status}'")
    if new_status == tenant.status:
        return tenant
    if new_status not in TRANSITIONS[tenant.status]:
        allowed = ", ".join(sorted(TRANSITIONS[tenant.status])) or "none"
        raise TenantError("status", f"cannot go from {tenant.status} to {new_status} (allowed: {allowed})")
    old = tenant.status
    tenant.status = new_status
    _record_history(tenant, "status", old, new_status, note=reason)
    _audit("tenant_status_changed", actor=actor, target=tenant,
           details={"from": old, "to": new_status, "reason": reason})
    return tenant


def rename(tenant: Tenant, name: str | None = None, unit_type: str | None = None, legal_ref: str | None = None,
           effective_date=None, actor=None) -> Tenant:
    """Rename a province or change its kind (a province becoming a centrally-run city, docs/domain.md §5.1):
    its history keeps the old value and the legal reference, and messages and pages use the new name at once
    (`Tenant.place_name`). The code, slug and data stay."""
    name = (name or "").strip() or tenant.name
    unit_type = unit_type or tenant.unit_type
    if len(name) > 120:
        raise TenantError("name", "the name is longer than 120 characters")
    if unit_type not in UNIT_TYPES:
        raise TenantError("unit_type", f"unknown unit type '{unit_type}'")
    if (name, unit_type) == (tenant.name, tenant.unit_type):
        raise TenantError("name", "nothing changes: give a new name or a new unit type")
    old = {"name": tenant.name, "unit_type": tenant.unit_type}
    if name != tenant.name:
        _record_history(tenant, "rename", tenant.name, name, legal_ref=legal_ref, effective_date=effective_date)
    if unit_type != tenant.unit_type:
        _record_history(tenant, "reclassify", tenant.unit_type, unit_type, legal_ref=legal_ref,
                        effective_date=effective_date)
    tenant.name, tenant.unit_type = name, unit_type
    _audit("tenant_renamed", actor=actor, target=tenant,
           details={"from": old, "to": {"name": name, "unit_type": unit_type}, "legal_ref": legal_ref})
    return tenant


def mark_merged(tenant: Tenant, successor: Tenant, legal_ref: str | None = None, actor=None) -> Tenant:
    """The last status of a merged province: it points at its successor, whose history records the merge, and
    its old addresses (aliases) lead there. Only the merge tool calls it (platform_core/mergers/)."""
    if successor.id == tenant.id:
        raise TenantError("successor", "a province cannot be merged into itself")
    change_status(tenant, STATUS_MERGED, actor=actor, reason=f"merged into {successor.slug}")
    tenant.successor_id = successor.id
    _record_history(successor, "merge_in", tenant.name, successor.name, legal_ref=legal_ref)
    for alias in db.session.scalars(select(TenantSlugAlias).where(TenantSlugAlias.tenant_id == tenant.id)):
        alias.tenant_id = successor.id
    return tenant


def go_live(tenant: Tenant, actor=None) -> Tenant:
    return change_status(tenant, STATUS_LIVE, actor=actor, reason="go-live approved")


def _record_history(tenant, change, old_value, new_value, legal_ref=None, note=None, effective_date=None) -> None:
    db.session.add(
        TenantHistory(
            tenant_id=tenant.id, change=change, old_value=old_value, new_value=new_value,
            legal_ref=legal_ref, note=note, effective_date=effective_date,
        )
    )


def on_audited_change(listener: Callable[..., object]) -> None:
    """`listener(action, actor=..., target=..., details=...)` records each creation and status change
    (audit/service.record_platform_event)."""
    _audit_listeners.append(listener)


def _audit(action: str, **values) -> None:
    if not _audit_listeners:
        raise RuntimeError("a tenant change cannot be audited: no audit listener is registered")
    for listener in _audit_listeners:
        listener(action, **values)
