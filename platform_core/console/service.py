"""What the province console reads: today's numbers, the setup and go-live state, dossiers, the audit log.

Everything runs in the tenant in context (the session scopes every query); nothing here writes.
"""

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import and_, case, func, or_, select

from platform_core.audit.models import AuditEvent
from platform_core.catalogue.models import Procedure
from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.delivery.constants import FAILED, PENDING, SENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.extensions import db
from platform_core.onboarding.constants import STEP_KEYS
from platform_core.onboarding.models import GoLiveRequest, SetupProgress
from platform_core.tenancy.constants import STATUS_LIVE
from platform_core.text import code_key
from platform_core.web.paging import Page, paginate
from platform_core.zalo.phone import is_mobile, to_e164

# A typed fragment shorter than this must match a whole dossier code (a search for "1" would match everything).
MIN_CODE_FRAGMENT = 4


# --- dashboard ----------------------------------------------------------------------------------------------

@dataclass
class ChannelCounts:
    channel: str | None
    sent: int = 0
    delivered: int = 0
    failed: int = 0
    pending: int = 0
    simulated: int = 0


@dataclass
class TodayNumbers:
    since: datetime
    events_received: int
    channels: list[ChannelCounts] = field(default_factory=list)

    @property
    def total(self) -> ChannelCounts:
        total = ChannelCounts(None)
        for row in self.channels:
            for name in ("sent", "delivered", "failed", "pending", "simulated"):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


def start_of_today(now: datetime | None = None) -> datetime:
    """Midnight in Vietnam (the provinces' day, as for the daily caps), as an aware datetime."""
    local = (now or utcnow()).astimezone(VIETNAM)
    return datetime.combine(local.date(), time(0, 0), tzinfo=VIETNAM)


def today_numbers(now: datetime | None = None) -> TodayNumbers:
    """Dossier events received since midnight; messages sent, delivered and failed since midnight, by channel,
    and those waiting now (whatever their age: the queue as it stands)."""
    since = start_of_today(now)
    events = db.session.scalar(select(func.count()).select_from(DossierEvent).where(DossierEvent.created_at >= since))
    waiting = Delivery.state.in_((PENDING, SENDING))
    sent_today = Delivery.sent_at >= since

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = db.session.execute(
        select(Delivery.channel, count(sent_today), count(Delivery.delivered_at >= since),
               count(Delivery.state == FAILED), count(waiting), count(and_(sent_today, Delivery.simulated)))
        .where(or_(waiting, Delivery.updated_at >= since))
        .group_by(Delivery.channel)
    )
    channels = [ChannelCounts(channel, *numbers) for channel, *numbers in rows]
    channels.sort(key=lambda row: (row.channel is None, row.channel or ""))
    return TodayNumbers(since, events, channels)


@dataclass(frozen=True)
class SetupState:
    done: int
    total: int
    next_step: str | None


def setup_state(tenant) -> SetupState | None:
    """The wizard's progress while the province is not live (a live province has nothing left to set up).

    Read-only: wizard.progress() would create the row, and a page view must not write (two at once would
    race on the row's unique constraint)."""
    if tenant.status == STATUS_LIVE:
        return None
    row = db.session.scalar(select(SetupProgress))
    done = set(row.completed_steps if row else ())
    return SetupState(len(done & set(STEP_KEYS)), len(STEP_KEYS), next((s for s in STEP_KEYS if s not in done), None))


def latest_go_live_request() -> GoLiveRequest | None:
    return db.session.scalar(select(GoLiveRequest).order_by(GoLiveRequest.requested_at.desc()).limit(1))


# --- dossiers -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DossierRow:
    dossier: Dossier
    last_delivery: Delivery | None


def search_dossiers(query: str, number: int) -> Page:
    """Dossiers whose code matches however it was typed (accents, case, dots and dashes ignored), or whose
    applicant has this phone number; newest first. Each comes with its latest delivery."""
    statement = select(Dossier)
    condition = dossier_match(query)
    if condition is not None:
        statement = statement.where(condition)
    page = paginate(statement.order_by(Dossier.updated_at.desc(), Dossier.id.desc()), number)
    latest = _latest_deliveries([dossier.id for dossier in page.items])
    return Page([DossierRow(dossier, latest.get(dossier.id)) for dossier in page.items], page.number,
                page.has_previous, page.has_next)


def dossier_match(query: str | None):
    """The condition on Dossier for what an officer typed (a code or a fragment of one, or a phone number);
    None when nothing was typed. Deliveries are searched with the same rule."""
    text = (query or "").strip()
    if not text:
        return None
    key = code_key(text)
    conditions = []
    if key:
        conditions.append(Dossier.code_key.contains(key) if len(key) >= MIN_CODE_FRAGMENT
                          else Dossier.code_key == key)
    if is_mobile(text):
        conditions.append(Dossier.applicant_phone == to_e164(text))
    return or_(*conditions) if conditions else Dossier.id.is_(None)


def _latest_deliveries(dossier_ids: list) -> dict:
    if not dossier_ids:
        return {}
    rows = db.session.execute(
        select(Notification.dossier_id, Delivery)
        .join(Delivery, and_(Delivery.tenant_id == Notification.tenant_id, Delivery.notification_id == Notification.id))
        .where(Notification.dossier_id.in_(dossier_ids))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
    )
    latest = {}
    for dossier_id, delivery in rows:
        latest.setdefault(dossier_id, delivery)
    return latest


@dataclass(frozen=True)
class DossierDetail:
    dossier: Dossier
    procedure_name: str | None
    events: list[DossierEvent]
    deliveries: list[Delivery]


def dossier_detail(dossier_id) -> DossierDetail | None:
    """A dossier of the tenant in context with its events and every delivery of its notifications (newest
    first); None for another tenant's or an unknown id."""
    dossier = db.session.scalar(select(Dossier).where(Dossier.id == dossier_id))
    if dossier is None:
        return None
    procedure_name = db.session.scalar(select(Procedure.name).where(Procedure.id == dossier.procedure_id))
    deliveries = list(db.session.scalars(
        select(Delivery)
        .join(Notification, and_(Notification.tenant_id == Delivery.tenant_id,
                                 Notification.id == Delivery.notification_id))
        .where(Notification.dossier_id == dossier.id)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
    ))
    return DossierDetail(dossier, procedure_name, list(dossier.events), deliveries)


# --- audit log ----------------------------------------------------------------------------------------------

def audit_events(action: str | None, number: int) -> Page:
    statement = select(AuditEvent)
    if action:
        statement = statement.where(AuditEvent.action == action)
    return paginate(statement.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()), number)


def audit_actions() -> list[str]:
    """The actions this province's log holds, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
