"""Webhook intake: verify Zalo's signature, find the event's OA and user, store it once.

Signature (docs/zalo-oa.md §5): `X-ZEvent-Signature: mac=<hex>` where hex is the lowercase SHA-256 (plain hash,
not HMAC) of app id + the raw body bytes + the body's `timestamp` + the OA secret key. The tenant comes
from the URL, so the secrets checked are that tenant's own: another tenant's key never verifies.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.dialects import postgresql, sqlite

from platform_core.db.base import new_id
from platform_core.db.session import SCOPED_BY_CALLER
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.zalo.constants import EVENT_RECEIVED, GROUP_CHAT_PREFIXES
from platform_core.zalo.intake import lane_of
from platform_core.zalo.models import ZaloEvent

SIGNATURE_HEADER = "X-ZEvent-Signature"
ZNS_SERVER_HEADER = "X-ZEvent-Server"
# Zalo re-sends an event it could not deliver after 30 s, 5, 15, 30 and 60 min, with the original timestamp,
# so the replay window must cover that schedule; duplicates inside it are caught by the event key.
DEFAULT_MAX_AGE_SECONDS = 3 * 3600
MAX_CLOCK_SKEW_SECONDS = 300
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class WebhookRejected(Exception):
    """The request is not a genuine event for this tenant (answered 401, nothing stored)."""


@dataclass(frozen=True)
class EventIdentity:
    oa_id: str | None
    user_id: str | None
    key: str


def expected_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    return hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()).hexdigest()


def verify(connection, raw_body: bytes, header: str | None, now: datetime,
           max_age_seconds: int = DEFAULT_MAX_AGE_SECONDS) -> dict:
    """Return the parsed body of a genuine, fresh event for `connection` (its app id, OA id and OA secret key:
    a ZaloConnection or zalo/connection.py `webhook_keys`), or raise WebhookRejected."""
    if not connection.app_id or not connection.oa_secret_key:
        raise WebhookRejected("this province has no Zalo OA secret key configured")
    if not header or not header.startswith("mac="):
        raise WebhookRejected("missing or malformed signature")
    body = _parse(raw_body)
    timestamp = str(body.get("timestamp", ""))
    expected = expected_signature(connection.app_id, raw_body, timestamp, connection.oa_secret_key)
    if not hmac.compare_digest(header[len("mac="):].encode(), expected.encode()):
        raise WebhookRejected("bad signature")
    _check_fresh(timestamp, now, max_age_seconds)
    identity = identify(body)
    if identity.oa_id and identity.oa_id != connection.oa_id:
        raise WebhookRejected("event is for another OA")
    return body


def _parse(raw_body: bytes) -> dict:
    try:
        body = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:  # RecursionError: `[[[[…` nested too deep
        raise WebhookRejected("body is not JSON") from error
    if not isinstance(body, dict):
        raise WebhookRejected("body is not a JSON object")
    return body


def _check_fresh(timestamp: str, now: datetime, max_age_seconds: int) -> None:
    try:
        sent_at = datetime.fromtimestamp(int(timestamp) / 1000, tz=UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise WebhookRejected("missing or invalid timestamp") from error
    age = (now - sent_at).total_seconds()
    if age > max_age_seconds or age < -MAX_CLOCK_SKEW_SECONDS:
        raise WebhookRejected("stale timestamp")


# Where each event type keeps the OA id and the user id (docs/zalo-oa.md §5, "Finding the tenant"):
# - the OA wrote, reacted or was read (`oa_send_*`, `oa_reacted_message`, the receipts): OA = sender;
# - the citizen wrote, reacted or shared (`user_send_*`, `user_reacted_message`, `user_submit_info`):
#   OA = recipient;
# - a top-level `oa_id` names the OA whatever else the body holds: follow, chat-now, withdraw, ZNS feedback
#   and group chats (GMF), where the recipient is the group and the sender a member (or the OA).
OA_IS_SENDER = ("user_received_message", "user_seen_message")


def identify(body: dict) -> EventIdentity:
    name = str(body.get("event_name", ""))
    sender, recipient = _party(body, "sender"), _party(body, "recipient")
    oa_id, user_id = (sender, recipient) if name.startswith("oa_") or name in OA_IS_SENDER else (recipient, sender)
    if name.startswith(GROUP_CHAT_PREFIXES) or body.get("group_id"):
        user_id = sender if name.startswith("user_") else None  # a member wrote; the recipient is the group
    elif name in ("follow", "unfollow"):
        user_id = _party(body, "follower")
    elif "user_id" in body or isinstance(body.get("data"), dict):
        user_id = body.get("user_id") or _party(body, "data", "user_id")
    if "oa_id" in body:
        oa_id = body.get("oa_id")
    return EventIdentity(_text(oa_id), _text(user_id), _event_key(name, body, _text(user_id)))


def _party(body: dict, key: str, field: str = "id"):
    value = body.get(key)
    return value.get(field) if isinstance(value, dict) else None


def _event_key(name: str, body: dict, user_id: str | None) -> str:
    """Zalo re-sends an event unchanged, so the key is what identifies it: the message for a message, the
    message and the moment for a reaction (one can react again), else who, which group and when."""
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    message_id = message.get("msg_id") or ",".join(str(item) for item in message.get("msg_ids") or [])
    if message_id:
        moment = f":{body.get('timestamp', '')}" if "react_icon" in message else ""
        return f"{name}:{message_id}{moment}"[:200]
    subject = user_id or _text(body.get("group_id")) or ""
    return f"{name}:{subject}:{body.get('timestamp', '')}"[:200]


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


def store_event(raw_body: bytes, body: dict, from_zns: bool) -> bool:
    """Store a verified event for the tenant in context in one INSERT; False when the same event was stored
    before (Zalo retries, duplicates): the unique key (tenant, event_key) refuses it, with no look-up first and
    no savepoint."""
    identity = identify(body)
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = (insert(ZaloEvent).values(
        id=new_id(), tenant_id=require_tenant().id, event_key=identity.key,
        event_name=str(body.get("event_name", ""))[:60], zalo_user_id=identity.user_id,
        raw_body=raw_body.decode("utf-8", errors="replace"), from_zns=from_zns, lane=lane_of(identity.user_id),
        status=EVENT_RECEIVED, received_at=utcnow(),
    ).on_conflict_do_nothing(index_elements=["tenant_id", "event_key"]).returning(ZaloEvent.id)
        .execution_options(**{SCOPED_BY_CALLER: True}))  # the tenant in context, written by hand above
    return db.session.execute(statement).first() is not None
