"""What a stored webhook event does to the tenant's data. Runs in a job, inside the event's tenant.

Handlers are registered per event name; a later feature (the bot) registers its own handler for citizen
text with `register_handler`, and until one exists such events are kept as `recorded`. Zalo's `user_withdraw`
(a data-subject request) is handled by citizens/bot.py.

A batch of events (zalo/jobs.py) first asks every batch loader (`on_batch`) to read, for all its events at once,
what handling them will read (db/batch_facts.py); the follower records are read here.
"""

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select

from platform_core.db import batch_facts
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.zalo.constants import EVENT_IGNORED, EVENT_PROCESSED, EVENT_RECORDED, GROUP_CHAT_PREFIXES
from platform_core.zalo.models import Follower, MessageReceipt, ZaloEvent
from platform_core.zalo.phone import PhoneError, to_e164

log = logging.getLogger(__name__)

Handler = Callable[[ZaloEvent, dict], str]
_handlers: dict[str, Handler] = {}
_receipt_listeners: list[Callable[[MessageReceipt], object]] = []
_follow_listeners: list[Callable[[ZaloEvent], object]] = []
_batch_loaders: list[Callable[[list[ZaloEvent]], object]] = []
FOLLOWER = "zalo.follower"  # batch facts: Zalo user id -> Follower or None


def on_followed(listener: Callable[[ZaloEvent], object]) -> None:
    """Called with each `follow` event, in its transaction, once the follower is recorded (the bot welcomes)."""
    _follow_listeners.append(listener)


def on_receipt(listener: Callable[[MessageReceipt], object]) -> None:
    """Called with each receipt as it is recorded (the delivery pipeline moves its deliveries forward)."""
    _receipt_listeners.append(listener)


def _notify_receipt(receipt: MessageReceipt) -> None:
    db.session.flush()
    for listener in _receipt_listeners:
        listener(receipt)


def register_handler(event_name: str, handler: Handler) -> None:
    _handlers[event_name] = handler


def on_batch(loader: Callable[[list[ZaloEvent]], object]) -> None:
    """`loader(events)` remembers (db/batch_facts.py) what handling `events` will read, in a few queries."""
    _batch_loaders.append(loader)


def load_batch(batch: list[ZaloEvent]) -> None:
    """Inside `batch_facts.batch()`, before `batch` runs: the followers, then every registered loader."""
    user_ids = {event.zalo_user_id for event in batch if event.zalo_user_id}
    if user_ids:
        found = {follower.zalo_user_id: follower for follower in db.session.scalars(
            select(Follower).where(Follower.zalo_user_id.in_(user_ids)))}
        batch_facts.remember(FOLLOWER, {user_id: found.get(user_id) for user_id in user_ids})
    for loader in _batch_loaders:
        loader(batch)


def process(event: ZaloEvent) -> str:
    """Apply `event` and return its new status. Idempotent: a processed event is left alone."""
    if event.processed_at is not None:
        return event.status
    body = json.loads(event.raw_body)
    handler = _handlers.get(event.event_name) or _default_handler(event.event_name)
    event.status = handler(event, body)
    event.processed_at = utcnow()
    event.error = None
    return event.status


def _default_handler(event_name: str) -> Handler:
    if event_name.startswith(("user_send_", "anonymous_send_")) and not event_name.startswith(GROUP_CHAT_PREFIXES):
        return _record_citizen_message
    return _ignore


def _ignore(event: ZaloEvent, body: dict) -> str:
    return EVENT_IGNORED


def known_follower(user_id: str) -> Follower | None:
    """The follower record of `user_id`, or None (from the batch's facts when it has them)."""
    follower = batch_facts.recall(FOLLOWER, user_id)
    if follower is batch_facts.MISSING:
        follower = db.session.scalar(select(Follower).where(Follower.zalo_user_id == user_id))
    return follower


def follower_for(user_id: str) -> Follower:
    follower = known_follower(user_id)
    if follower is None:
        follower = Follower(zalo_user_id=user_id)
        db.session.add(follower)
        batch_facts.remember(FOLLOWER, {user_id: follower})
    return follower


def event_time(body: dict) -> datetime:
    try:
        return datetime.fromtimestamp(int(body["timestamp"]) / 1000, tz=UTC)
    except (KeyError, ValueError, TypeError):
        return utcnow()


def _on_follow(event: ZaloEvent, body: dict) -> str:
    follower = follower_for(event.zalo_user_id)
    at = event_time(body)
    follower.is_follower = True
    follower.followed_at = at
    follower.last_interaction_at = max(filter(None, [follower.last_interaction_at, at]))
    follower.user_id_by_app = body.get("user_id_by_app") or follower.user_id_by_app
    for listener in _follow_listeners:
        listener(event)
    return EVENT_PROCESSED


def _on_unfollow(event: ZaloEvent, body: dict) -> str:
    follower = follower_for(event.zalo_user_id)
    follower.is_follower = False
    follower.unfollowed_at = event_time(body)
    return EVENT_PROCESSED


def _record_citizen_message(event: ZaloEvent, body: dict) -> str:
    """A citizen wrote to the OA: the consultation window reopens; the text waits for the bot."""
    touch_interaction(event, body)
    return EVENT_RECORDED


def _on_submit_info(event: ZaloEvent, body: dict) -> str:
    follower = touch_interaction(event, body)
    info = body.get("info") or {}
    follower.shared_info = {k: str(v) for k, v in info.items() if k != "phone" and v not in (None, "")}
    if info.get("phone") not in (None, ""):
        batch_facts.forget(event.zalo_user_id)  # the phone links the citizen to what was recorded for it
        try:
            follower.phone_e164 = to_e164(str(info["phone"]))  # Zalo sends it as a number (docs/zalo-oa.md §5)
        except PhoneError:
            log.info("shared phone is not a Vietnamese mobile number", extra={"event_id": str(event.id)})
    return EVENT_PROCESSED


def _on_received(event: ZaloEvent, body: dict) -> str:
    message_id = str((body.get("message") or {}).get("msg_id", ""))
    if message_id:
        receipt = _receipt(message_id, via_zns=event.from_zns)
        delivered = (body.get("message") or {}).get("delivery_time")
        receipt.delivered_at = receipt.delivered_at or (_ms(delivered) if delivered else event_time(body))
        _notify_receipt(receipt)
    return EVENT_PROCESSED


def _on_seen(event: ZaloEvent, body: dict) -> str:
    for message_id in (body.get("message") or {}).get("msg_ids") or []:
        receipt = _receipt(str(message_id), via_zns=False)
        receipt.seen_at = receipt.seen_at or event_time(body)
        _notify_receipt(receipt)
    return EVENT_PROCESSED


def touch_interaction(event: ZaloEvent, body: dict) -> Follower:
    follower = follower_for(event.zalo_user_id)
    at = event_time(body)
    follower.last_interaction_at = max(filter(None, [follower.last_interaction_at, at]))
    return follower


def _receipt(message_id: str, via_zns: bool) -> MessageReceipt:
    receipt = db.session.scalar(select(MessageReceipt).where(MessageReceipt.message_id == message_id))
    if receipt is None:
        receipt = MessageReceipt(message_id=message_id, via_zns=via_zns)
        db.session.add(receipt)
    return receipt


def _ms(value) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, tz=UTC)


for _name, _handler in {
    "follow": _on_follow,
    "unfollow": _on_unfollow,
    "user_submit_info": _on_submit_info,
    "user_received_message": _on_received,
    "user_seen_message": _on_seen,
}.items():
    register_handler(_name, _handler)
