"""The province console's view of the outbox (console/deliveries.py): finding deliveries, and an
administrator's retry of a failed one.

Runs in the tenant in context (the session scopes every query); the caller commits.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, or_, select

from platform_core.audit.service import record_event
from platform_core.clock import VIETNAM
from platform_core.console.service import dossier_match
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.states import reopen
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.web.paging import Page, paginate
from platform_core.zalo.phone import is_mobile, to_e164

# Joins within one tenant (the composite keys of the outbox tables).
NOTIFICATION_OF_DELIVERY = and_(Notification.tenant_id == Delivery.tenant_id,
                                Notification.id == Delivery.notification_id)
DOSSIER_OF_NOTIFICATION = and_(Dossier.tenant_id == Notification.tenant_id, Dossier.id == Notification.dossier_id)


@dataclass(frozen=True)
class Filters:
    query: str | None = None
    state: str | None = None
    channel: str | None = None
    date_from: date | None = None  # days in Vietnam, both ends included
    date_to: date | None = None


@dataclass(frozen=True)
class DeliveryRow:
    delivery: Delivery
    dossier_id: object | None
    dossier_code: str | None
    event_kind: str | None = None  # which message it was (console/message_kinds.py names it)


def search(filters: Filters, number: int) -> Page:
    """Deliveries matching the filters, newest first, each with its dossier's code (None for bot replies)."""
    statement = select(Delivery)
    if filters.query:
        statement = statement.join(Notification, NOTIFICATION_OF_DELIVERY).outerjoin(Dossier, DOSSIER_OF_NOTIFICATION)
        statement = statement.where(_query_match(filters.query))
    if filters.state:
        statement = statement.where(Delivery.state == filters.state)
    if filters.channel:
        statement = statement.where(Delivery.channel == filters.channel)
    if filters.date_from:
        statement = statement.where(Delivery.created_at >= _vietnam_midnight(filters.date_from))
    if filters.date_to:
        statement = statement.where(Delivery.created_at < _vietnam_midnight(filters.date_to + timedelta(days=1)))
    page = paginate(statement.order_by(Delivery.created_at.desc(), Delivery.id.desc()), number)
    return Page(with_dossiers(page.items), page.number, page.has_previous, page.has_next)


def with_dossiers(deliveries: list[Delivery]) -> list[DeliveryRow]:
    ids = {delivery.notification_id for delivery in deliveries}
    found = {}
    if ids:
        rows = db.session.execute(
            select(Notification.id, Dossier.id, Dossier.code, Notification.event_kind)
            .outerjoin(Dossier, DOSSIER_OF_NOTIFICATION).where(Notification.id.in_(ids))
        )
        found = {notification_id: (dossier_id, code, kind) for notification_id, dossier_id, code, kind in rows}
    return [DeliveryRow(delivery, *found.get(delivery.notification_id, (None, None, None)))
            for delivery in deliveries]


def get_delivery(delivery_id) -> Delivery | None:
    """The tenant's delivery with this id; None for another tenant's or an unknown one."""
    return db.session.scalar(select(Delivery).where(Delivery.id == delivery_id))


def retry(delivery: Delivery, actor=None) -> bool:
    """Put a failed delivery back in the queue for the pump (audited); False when it is not failed."""
    before = {"error_code": delivery.error_code, "attempts": delivery.attempts, "channel": delivery.channel}
    if not reopen(delivery):
        return False
    record_event("delivery_retried", actor=actor, target=delivery, details=before)
    db.session.flush()
    return True


def _query_match(query: str):
    """A dossier code (however typed) or a phone number: the dossier's applicant's or the delivery's own."""
    conditions = [dossier_match(query)]
    if is_mobile(query.strip()):
        conditions.append(Delivery.recipient_phone == to_e164(query.strip()))
    return or_(*conditions)


def _vietnam_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=VIETNAM)
