"""Webhook intake: verify Zalo's signature, find the event's OA and user, store it once.

Signature (zalo-oa.md §5): `X-ZEvent-Signature: mac=<hex>` where hex is the lowercase SHA-256 (plain hash,
not HMAC) of app id + the raw body bytes + the body's `timestamp` + the OA secret key. The tenant comes
from the URL, so the secrets checked are that tenant's own: another tenant's key never verifies.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from platform_core.extensions import db
from platform_core.zalo.models import ZaloConnection, ZaloEvent

SIGNATURE_HEADER = "X-ZEvent-Signature"
ZNS_SERVER_HEADER = "X-ZEvent-Server"
# Zalo re-sends an event it could not deliver after 30 s, 5, 15, 30 and 60 min, with the original timestamp,
# so the replay window must cover that schedule; duplicates inside it are caught by the event key.
DEFAULT_MAX_AGE_SECONDS = 3 * 3600
MAX_CLOCK_SKEW_SECONDS = 300


class WebhookRejected(Exception):
    """The request is not a genuine event for this tenant (answered 401, nothing stored)."""


@dataclass(frozen=True)
class EventIdentity:
    oa_id: str | None
    user_id: str | None
    key: str


def expected_signature(app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    return hashlib.sha256(app_id.encode() + raw_body + timestamp.encode() + oa_secret_key.encode()).hexdigest()


def verify(connection: ZaloConnection, raw_body: bytes, header: str | None, now: datetime,
           max_age_seconds: int = DEFAULT_MAX_AGE_SECONDS) -> dict:
    """Return the parsed body of a genuine, fresh event for `connection`, or raise WebhookRejected."""
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
    except (ValueError, UnicodeDecodeError) as error:
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


# Where each event type keeps the OA id and the user id (zalo-oa.md §5, "Finding the tenant").
def identify(body: dict) -> EventIdentity:
    name = str(body.get("event_name", ""))
    if name in ("follow", "unfollow"):
        oa_id, user_id = body.get("oa_id"), (body.get("follower") or {}).get("id")
    elif name in ("user_click_chatnow", "user_withdraw", "widget_interaction_accepted", "user_feedback"):
        oa_id = body.get("oa_id")
        user_id = body.get("user_id") or (body.get("data") or {}).get("user_id")
    elif name.startswith("oa_send_") or name in ("user_received_message", "user_seen_message"):
        oa_id, user_id = (body.get("sender") or {}).get("id"), (body.get("recipient") or {}).get("id")
    else:
        oa_id, user_id = (body.get("recipient") or {}).get("id"), (body.get("sender") or {}).get("id")
    return EventIdentity(_text(oa_id), _text(user_id), _event_key(name, body, _text(user_id)))


def _event_key(name: str, body: dict, user_id: str | None) -> str:
    message = body.get("message") or {}
    message_id = message.get("msg_id") or ",".join(message.get("msg_ids") or [])
    if message_id:
        return f"{name}:{message_id}"[:200]
    return f"{name}:{user_id or ''}:{body.get('timestamp', '')}"[:200]


def _text(value) -> str | None:
    return None if value in (None, "") else str(value)


def store_event(raw_body: bytes, body: dict, from_zns: bool) -> ZaloEvent | None:
    """Store a verified event; None when the same event was stored before (Zalo retries, duplicates)."""
    identity = identify(body)
    if db.session.scalar(select(ZaloEvent.id).where(ZaloEvent.event_key == identity.key)) is not None:
        return None
    event = ZaloEvent(
        event_key=identity.key, event_name=str(body.get("event_name", ""))[:60], zalo_user_id=identity.user_id,
        raw_body=raw_body.decode("utf-8", errors="replace"), from_zns=from_zns,
    )
    try:
        with db.session.begin_nested():
            db.session.add(event)
    except IntegrityError:
        return None  # the same event arrived twice at once; the other request stored it
    return event
