"""Writing to the outbox, in the caller's transaction: the database is the queue (docs/architecture.md).

The business change (a dossier event, a bot answer) and its notification commit together or not at all;
the pump later claims the deliveries and RQ only moves them to a worker. Redis being down loses nothing.
Every delivery passes the screens here (delivery/screens.py: a province in trial reaching outside its team and
guest list, a citizen who stopped their messages) and is refused at once when one says no.
A batch of events that will answer with known keys reads which exist at once (`remember_keys`).
"""

from sqlalchemy import select

from platform_core.db import batch_facts
from platform_core.db.base import new_id
from platform_core.delivery import recent, screens
from platform_core.delivery.composed import ComposedMessage
from platform_core.delivery.constants import CLASS_TX, CS, PENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db

BOT_REPLY = "bot_reply"
BOT_INFO_REQUEST = "bot_info_request"
CHAT_KINDS = (BOT_REPLY, BOT_INFO_REQUEST)  # answers in the conversation: consultation messages only
WRITTEN = "delivery.notification"  # batch facts: idempotency key -> Notification or None


def write(event_kind: str, context: dict, *, idempotency_key: str, zalo_user_id: str | None = None,
          phone: str | None = None, message_class: str = CLASS_TX, dossier_id=None,
          simulated: bool = False) -> Notification:
    """A notification and its delivery, whose words the renderer registered for `event_kind` makes from
    `context` when it is sent (delivery/renderers.py; notices/service.py writes the dossier notices this way).
    The channel is chosen when it is sent (the citizen may write to the OA in between). The key must be new."""
    notification = Notification(event_kind=event_kind, message_class=message_class, idempotency_key=idempotency_key,
                                dossier_id=dossier_id, context=context, simulated=simulated)
    return _write(notification, recipient_zalo_user_id=zalo_user_id, recipient_phone=phone)


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


def send_info_request(zalo_user_id: str, title: str, subtitle: str, image_url: str,
                      idempotency_key: str) -> Notification:
    """Zalo's `request_user_info` card (docs/zalo-oa.md §2) to a citizen who just wrote: its button shares
    their phone, which comes back as a `user_submit_info` event. Idempotent on the key."""
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    notification = Notification(event_kind=BOT_INFO_REQUEST, message_class=CLASS_TX,
                                idempotency_key=idempotency_key,
                                context={"title": title, "subtitle": subtitle, "image_url": image_url})
    return _write(notification, recipient_zalo_user_id=zalo_user_id, channel=CS,
                  channel_reason="asking the citizen to share their phone")


def send_composed(message: ComposedMessage, *, event_kind: str, idempotency_key: str,
                  zalo_user_id: str | None = None, phone: str | None = None, message_class: str = CLASS_TX,
                  dossier_id=None, simulated: bool = False) -> Notification:
    """A message a feature wrote itself (delivery/composed.py) to one citizen or official, in the caller's
    transaction. The channel is chosen when it is sent. Idempotent on the key: a repeat returns the first.
    `simulated` (a test API key's dossier) goes through everything but never reaches Zalo."""
    existing = _existing(idempotency_key)
    if existing is not None:
        return existing
    return write(event_kind, message.to_context(), idempotency_key=idempotency_key, zalo_user_id=zalo_user_id,
                 phone=phone, message_class=message_class, dossier_id=dossier_id, simulated=simulated)


def remember_keys(idempotency_keys: set[str]) -> None:
    """The notifications already written with these keys (most are not), read at once for a batch."""
    if not idempotency_keys:
        return
    found = {notification.idempotency_key: notification for notification in db.session.scalars(
        select(Notification).where(Notification.idempotency_key.in_(idempotency_keys)))}
    batch_facts.remember(WRITTEN, {key: found.get(key) for key in idempotency_keys})


def _existing(idempotency_key: str) -> Notification | None:
    known = batch_facts.recall(WRITTEN, idempotency_key)
    if known is not batch_facts.MISSING:
        return known
    return db.session.scalar(select(Notification).where(Notification.idempotency_key == idempotency_key))


def _write(notification: Notification, **delivery_fields) -> Notification:
    """Add `notification` and its one delivery, screened (delivery/screens.py). Nothing is flushed here: the
    notification's id is given now (the caller may need it), a batch of events writes its answers in one flush
    (zalo/jobs.py) and a request with its other rows; the notification's list of deliveries is the one written,
    so showing it reads nothing back."""
    notification.id = notification.id or new_id()
    delivery = Delivery(notification_id=notification.id, message_class=notification.message_class,  # a screen
                        simulated=bool(notification.simulated), state=PENDING, **delivery_fields)  # may fail it
    notification.deliveries = [delivery]
    db.session.add(notification)
    batch_facts.remember(WRITTEN, {notification.idempotency_key: notification})
    if delivery_fields.get("recipient_zalo_user_id"):
        batch_facts.forget(delivery_fields["recipient_zalo_user_id"], recent.LAST_MESSAGE)
    screens.refuse_at_write(delivery, notification)
    return notification
