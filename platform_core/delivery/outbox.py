"""Writing to the outbox, in the caller's transaction: the database is the queue (architecture.md).

The business change (a dossier event, a bot answer) and its notification commit together or not at all;
the pump later claims the deliveries and RQ only moves them to a worker. Redis being down loses nothing.
Every delivery passes the screens here (delivery/screens.py: a province in trial reaching outside its team and
guest list, a citizen who stopped their messages) and is refused at once when one says no.
"""

from sqlalchemy import select

from platform_core.delivery import screens
from platform_core.delivery.composed import ComposedMessage
from platform_core.delivery.constants import CLASS_TX, CS
from platform_core.delivery.context import dossier_context
from platform_core.delivery.models import Delivery, Notification
from platform_core.dossiers.constants import (
    EVENT_APOLOGY,
    RECEIVED,
    REFUSED,
    RESULT_READY,
    RETURNED,
    STOPPED,
    SUPPLEMENT_REQUIRED,
)
from platform_core.extensions import db

# Which dossier events tell the citizen something (domain.md §8.2 "Notifications: 2, 5, 6, apology, 9/10, 3/8").
EVENT_KINDS = {
    RECEIVED: "received",
    SUPPLEMENT_REQUIRED: "supplement_required",
    RESULT_READY: "result_ready",
    RETURNED: "returned",
    REFUSED: "refused",
    STOPPED: "stopped",
}
BOT_REPLY = "bot_reply"


def event_kind_for(event) -> str | None:
    if event.kind == EVENT_APOLOGY:
        return EVENT_APOLOGY
    return EVENT_KINDS.get(event.to_status)


def notify_dossier_event(dossier, event, procedure, tenant, oa_name: str | None = None,
                         simulated: bool = False) -> Notification | None:
    """The notification and its delivery for `event`, or None when the event tells the citizen nothing.

    The channel is chosen when the message is sent (the citizen may write to the OA in between)."""
    kind = event_kind_for(event)
    if kind is None or not (dossier.applicant_zalo_user_id or dossier.applicant_phone):
        return None
    notification = Notification(
        event_kind=kind, message_class=CLASS_TX, idempotency_key=f"dossier-event:{event.id}", dossier_id=dossier.id,
        context=dossier_context(dossier, event, procedure, tenant, oa_name), simulated=simulated,
    )
    return _write(notification, recipient_zalo_user_id=dossier.applicant_zalo_user_id,
                  recipient_phone=dossier.applicant_phone)


def send_reply(zalo_user_id: str, text: str, idempotency_key: str,
               reason: str = "answer to the citizen's message") -> Notification:
    """A consultation message to a citizen who just interacted with the OA (the bot's answer, the welcome on
    follow). Idempotent on the key."""
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    notification = Notification(event_kind=BOT_REPLY, message_class=CLASS_TX, idempotency_key=idempotency_key,
                                context={"text": text})
    return _write(notification, recipient_zalo_user_id=zalo_user_id, channel=CS, channel_reason=reason)


def send_composed(message: ComposedMessage, *, event_kind: str, idempotency_key: str,
                  zalo_user_id: str | None = None, phone: str | None = None, message_class: str = CLASS_TX,
                  dossier_id=None, simulated: bool = False) -> Notification:
    """A message a feature wrote itself (delivery/composed.py) to one citizen or official, in the caller's
    transaction. The channel is chosen when it is sent. Idempotent on the key: a repeat returns the first.
    `simulated` (a test API key's dossier) goes through everything but never reaches Zalo."""
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    notification = Notification(event_kind=event_kind, message_class=message_class, idempotency_key=idempotency_key,
                                dossier_id=dossier_id, context=message.to_context(), simulated=simulated)
    return _write(notification, recipient_zalo_user_id=zalo_user_id, recipient_phone=phone)


def _existing(idempotency_key: str) -> Notification | None:
    return db.session.scalar(select(Notification).where(Notification.idempotency_key == idempotency_key))


def _write(notification: Notification, **delivery_fields) -> Notification:
    """Add `notification` and its one delivery, screened (delivery/screens.py)."""
    db.session.add(notification)
    db.session.flush()
    delivery = Delivery(notification_id=notification.id, message_class=notification.message_class,
                        simulated=notification.simulated, **delivery_fields)
    db.session.add(delivery)
    screens.refuse_at_write(delivery, notification)
    return notification
