"""What the operator console reads and changes. Reads return plain rows of aggregates and platform facts
(never ORM objects of tenant tables, never a citizen's data), so that a page can commit its audit event and
still render.

Reads over every tenant go through `cross_tenant`; work on one tenant runs in that tenant's context (scoping
and row-level security as for the province itself) and is audited as well.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from platform_core.audit.service import record_event
from platform_core.clock import VIETNAM
from platform_core.db.cross_tenant import cross_tenant, record_standing_access
from platform_core.db.tenant_context import tenant_context
from platform_core.db.types import utcnow
from platform_core.delivery.constants import FAILED, MESSAGE_CLASSES, PENDING, SENDING
from platform_core.delivery.models import Delivery
from platform_core.delivery.policy import Limits, Pacing, limits_for, set_limits, zalo_pacing
from platform_core.extensions import db
from platform_core.onboarding.constants import GO_LIVE_PENDING
from platform_core.onboarding.golive_request import CHECK_LABELS
from platform_core.onboarding.models import GoLiveRequest
from platform_core.operator.redact import redact
from platform_core.tenancy.constants import (
    STATUS_INVITED,
    STATUS_LIVE,
    STATUS_MERGED,
    STATUS_SUSPENDED,
    STATUS_TRIAL,
    TRANSITIONS,
)
from platform_core.tenancy.models import Province, Tenant, TenantHistory
from platform_core.tenancy.service import TenantError, change_status, ref
from platform_core.text import by_name, fold
from platform_core.zalo.connection import STATUS_COLUMNS, shown_status
from platform_core.zalo.constants import STATUS_CONNECTED, STATUS_NOT_CONNECTED
from platform_core.zalo.models import ZaloConnection

UNFINISHED = (PENDING, SENDING)


@dataclass(frozen=True)
class TenantRow:
    slug: str
    name: str
    status: str
    zalo_status: str
    sent_today: int = 0
    failed_today: int = 0
    pending_today: int = 0
    queue_depth: int = 0
    oldest_pending_at: datetime | None = None
    go_live_pending: bool = False

    def attention(self, now: datetime) -> list[str]:
        """Why an operator should look at this province now (keys of ATTENTION_LABELS), most urgent first."""
        reasons = []
        if self.status in (STATUS_TRIAL, STATUS_LIVE) and self.zalo_status != STATUS_CONNECTED:
            reasons.append("zalo")
        if self.go_live_pending:
            reasons.append("go_live")
        if self.failed_today:
            reasons.append("failed")
        if self.oldest_pending_at is not None and now - self.oldest_pending_at > STUCK_AFTER:
            reasons.append("stuck")
        return reasons


STUCK_AFTER = timedelta(hours=1)  # a delivery waiting longer than this is stuck, not merely queued
ATTENTION_LABELS = {
    "zalo": _l("Zalo cannot send"),
    "go_live": _l("Go-live request to decide"),
    "failed": _l("Messages failed today"),
    "stuck": _l("Messages waiting over an hour"),
}


def needing_attention_first(rows: list[TenantRow], query: str | None, now: datetime) -> list[TenantRow]:
    """`rows` whose name or slug contains `query` (accents ignored), those needing attention first."""
    wanted = fold(query or "")
    found = [row for row in rows if not wanted or wanted in fold(f"{row.name} {row.slug}")]
    return sorted(found, key=lambda row: not row.attention(now))  # stable: by name within each group


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    ok: bool | None
    note: str = ""


@dataclass(frozen=True)
class GoLiveRow:
    id: str
    tenant_slug: str
    tenant_name: str
    tenant_status: str
    requested_at: datetime
    checklist: list[ChecklistItem]


@dataclass(frozen=True)
class ZaloRow:
    tenant_slug: str
    tenant_name: str
    oa_name: str
    status: str
    last_error: str
    last_error_at: datetime | None


@dataclass(frozen=True)
class TenantDetail:
    zalo_status: str
    limits: dict[str, Limits]
    pacing: Pacing | None  # Zalo said the app may make fewer requests than the limits allow
    latest_go_live: dict | None
    resume_to: str | None


# --- reads across tenants -----------------------------------------------------------------------------------

def tenants_overview(actor, now: datetime | None = None) -> list[TenantRow]:
    """Every tenant with its Zalo status, today's deliveries (the province's day) and its outbox backlog."""
    tenants = sorted(db.session.scalars(select(Tenant)), key=by_name)
    with cross_tenant("operator console: tenants overview", actor=actor):
        zalo = {row.tenant_id: shown_status(row)
                for row in db.session.execute(select(ZaloConnection.tenant_id, *STATUS_COLUMNS))}
        counts = {row.tenant_id: row for row in db.session.execute(_delivery_counts(now or utcnow()))}
        asking = set(db.session.scalars(select(GoLiveRequest.tenant_id).where(
            GoLiveRequest.status == GO_LIVE_PENDING)))
    rows = []
    for tenant in tenants:
        numbers = counts.get(tenant.id)
        rows.append(TenantRow(
            slug=tenant.slug, name=tenant.name, status=tenant.status,
            zalo_status=zalo.get(tenant.id, STATUS_NOT_CONNECTED), go_live_pending=tenant.id in asking,
            **({} if numbers is None else {
                "sent_today": numbers.sent, "failed_today": numbers.failed, "pending_today": numbers.pending,
                "queue_depth": numbers.depth, "oldest_pending_at": numbers.oldest,
            }),
        ))
    return rows


def _delivery_counts(now: datetime):
    """One grouped pass: counts and the oldest unfinished row per tenant, no row's content."""
    start = start_of_day(now)
    unfinished = Delivery.state.in_(UNFINISHED)
    return select(
        Delivery.tenant_id,
        func.count().filter(Delivery.sent_at >= start).label("sent"),
        func.count().filter(and_(Delivery.state == FAILED, Delivery.updated_at >= start)).label("failed"),
        func.count().filter(and_(unfinished, Delivery.created_at >= start)).label("pending"),
        func.count().filter(unfinished).label("depth"),
        func.min(Delivery.created_at).filter(unfinished).label("oldest"),
    ).group_by(Delivery.tenant_id)


def start_of_day(now: datetime) -> datetime:
    """Midnight of the provinces' day (Vietnam has one time zone), as the daily caps count it."""
    local = now.astimezone(VIETNAM)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def provinces_to_invite() -> list[tuple[Province, Tenant | None]]:
    """Provinces of the national registry with no tenant yet, or one still `invited` (a new link replaces
    the old). The registry and tenants are platform tables: no crossing needed."""
    tenants = {tenant.slug: tenant for tenant in db.session.scalars(select(Tenant))}
    provinces = sorted(db.session.scalars(select(Province)), key=by_name)
    return [
        (province, tenants.get(province.slug)) for province in provinces
        if province.slug not in tenants or tenants[province.slug].status == STATUS_INVITED
    ]


def pending_go_live_requests(actor) -> list[GoLiveRow]:
    tenants = {tenant.id: tenant for tenant in db.session.scalars(select(Tenant))}
    with cross_tenant("operator console: go-live requests", actor=actor):
        requests = db.session.scalars(
            select(GoLiveRequest).where(GoLiveRequest.status == GO_LIVE_PENDING)
            .order_by(GoLiveRequest.requested_at)
        ).all()
        rows = [
            GoLiveRow(
                id=str(request.id), tenant_slug=tenants[request.tenant_id].slug,
                tenant_name=tenants[request.tenant_id].name, tenant_status=tenants[request.tenant_id].status,
                requested_at=request.requested_at, checklist=checklist_items(request.checklist),
            )
            for request in requests
        ]
    return rows


def reconnect_needed(actor) -> list[ZaloRow]:
    """Connections that cannot send: an admin must reconnect, or the token has expired or fails to refresh."""
    tenants = {tenant.id: tenant for tenant in db.session.scalars(select(Tenant))}
    with cross_tenant("operator console: Zalo connections needing reconnect", actor=actor):
        rows = db.session.execute(
            select(ZaloConnection.tenant_id, ZaloConnection.oa_name, *STATUS_COLUMNS)
            .where(ZaloConnection.status != STATUS_NOT_CONNECTED)
        ).all()
    return sorted(
        (ZaloRow(tenant_slug=tenants[row.tenant_id].slug, tenant_name=tenants[row.tenant_id].name,
                 oa_name=row.oa_name or "", status=shown_status(row), last_error=redact(row.last_error),
                 last_error_at=row.last_error_at)
         for row in rows if shown_status(row) != STATUS_CONNECTED),
        key=lambda row: fold(row.tenant_name),
    )


def tenant_names() -> dict[str, str]:
    """Tenant id (as text, the way jobs carry it) -> name."""
    return {str(tenant.id): tenant.name for tenant in db.session.scalars(select(Tenant))}


# --- the checklist snapshot ---------------------------------------------------------------------------------

_OK_KEYS = ("ok", "done", "passed", "value")
_NOTE_KEYS = ("note", "detail", "details")


def checklist_items(checklist) -> list[ChecklistItem]:
    """The wizard's snapshot, shown as it was stored: a {key: bool | value | {label, ok, note}} mapping or a
    list of {key|label, ok, note} items. Free text is masked like any other text the console shows."""
    if isinstance(checklist, dict):
        entries = [(key, value) for key, value in checklist.items()]
    elif isinstance(checklist, list):
        entries = [(item.get("key") or item.get("label"), item) if isinstance(item, dict) else (item, None)
                   for item in checklist]
    else:
        return []
    return [_checklist_item(str(key), value) for key, value in entries]


def _checklist_item(key: str, value) -> ChecklistItem:
    label = str(CHECK_LABELS[key]) if key in CHECK_LABELS else key.replace("_", " ").capitalize()
    if isinstance(value, dict):
        label = str(value.get("label") or label)
        ok = next((value[name] for name in _OK_KEYS if name in value), None)
        note = next((value[name] for name in _NOTE_KEYS if value.get(name) not in (None, "")), "")
        return _checklist_item_of(label, ok, note)
    return _checklist_item_of(label, value, "")


def _checklist_item_of(label: str, ok, note) -> ChecklistItem:
    if isinstance(ok, bool) or ok is None:
        return ChecklistItem(redact(label), ok, redact(str(note)) if note else "")
    return ChecklistItem(redact(label), None, redact(str(ok)))


# --- one tenant ---------------------------------------------------------------------------------------------

@contextmanager
def inside(tenant: Tenant, reason: str, actor) -> Iterator[None]:
    """Read one tenant's data as the province itself would see it (its scoping, its row-level security),
    recorded as an operator's cross-tenant access."""
    record_standing_access(f"{reason}: {tenant.slug}", actor=actor)
    with tenant_context(ref(tenant)):
        yield


def tenant_detail(tenant: Tenant, actor) -> TenantDetail:
    with inside(tenant, "operator console: tenant page", actor):
        connection_status = shown_status(db.session.execute(select(*STATUS_COLUMNS)).first())
        limits = {message_class: limits_for(message_class) for message_class in MESSAGE_CLASSES}
        pacing = zalo_pacing()
        latest = db.session.execute(
            select(GoLiveRequest.status, GoLiveRequest.requested_at, GoLiveRequest.decided_at,
                   GoLiveRequest.reason).order_by(GoLiveRequest.requested_at.desc()).limit(1)
        ).first()
    return TenantDetail(
        zalo_status=connection_status,
        limits=limits,
        pacing=pacing,
        latest_go_live=latest._asdict() if latest else None,
        resume_to=status_before_suspension(tenant) if tenant.status == STATUS_SUSPENDED else None,
    )


def status_history(tenant: Tenant) -> list[TenantHistory]:
    return db.session.scalars(
        select(TenantHistory).where(TenantHistory.tenant_id == tenant.id)
        .order_by(TenantHistory.recorded_at.desc(), TenantHistory.id.desc())
    ).all()


def status_before_suspension(tenant: Tenant) -> str | None:
    """The status the latest suspension left (TenantHistory keeps every status change)."""
    return db.session.scalar(
        select(TenantHistory.old_value)
        .where(TenantHistory.tenant_id == tenant.id, TenantHistory.change == "status",
               TenantHistory.new_value == STATUS_SUSPENDED)
        .order_by(TenantHistory.recorded_at.desc(), TenantHistory.id.desc()).limit(1)
    )


def suspend(tenant: Tenant, reason: str, actor) -> None:
    """Stop serving a tenant: its pages, API and sending (see SERVED_STATUSES)."""
    if tenant.status in (STATUS_SUSPENDED, STATUS_MERGED):
        raise TenantError("status", f"{tenant.name} is {tenant.status}")
    change_status(tenant, STATUS_SUSPENDED, actor=actor, reason=_required_reason(reason))


def resume(tenant: Tenant, reason: str, actor) -> str:
    """Back to where the suspension found the tenant; returns that status."""
    if tenant.status != STATUS_SUSPENDED:
        raise TenantError("status", f"{tenant.name} is not suspended")
    previous = status_before_suspension(tenant)
    if previous not in TRANSITIONS[STATUS_SUSPENDED]:
        raise TenantError("status", f"{tenant.name} cannot go back to {previous or 'its earlier status'}")
    change_status(tenant, previous, actor=actor, reason=_required_reason(reason))
    return previous


def _required_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise TenantError("reason", "give a reason")
    return reason


def update_limits(tenant: Tenant, message_class: str, per_minute: int, burst: int, daily_cap: int | None,
                  actor) -> None:
    """Bounds are checked by the form (operator/forms.py); the change is audited with the old values."""
    if message_class not in MESSAGE_CLASSES:
        raise TenantError("message_class", f"unknown message class '{message_class}'")
    with tenant_context(ref(tenant)):
        before = limits_for(message_class)
        set_limits(message_class, per_minute, burst, daily_cap)
    record_event("rate_limits_changed", actor=actor, target=tenant, platform=True, details={
        "tenant": tenant.slug, "class": message_class,
        "from": {"per_minute": before.per_minute, "burst": before.burst, "daily_cap": before.daily_cap},
        "to": {"per_minute": per_minute, "burst": burst, "daily_cap": daily_cap},
    })


def age(since: datetime | None, now: datetime | None = None) -> timedelta | None:
    return None if since is None else (now or utcnow()) - since
