"""The nightly purge that applies a province's retention periods (dossier records are never purged). The periods
are the `retention_days` province setting (settings/definitions.py), edited on the console's Retention page.

- chat events: raw webhook bodies older than the period are replaced by a stub (the event's name and times
  stay, for counts and audit); so are the words of the messages sent back in the chat (the bot's replies,
  composed messages such as feedback acknowledgements) once nothing is waiting to send them. A dossier
  notice's values are a copy of the dossier record and a broadcast's are the same for every follower: kept;
- inactive contacts: a follower who no longer follows the OA and has not interacted for the period has their
  display name, phone, shared info and commune blanked (a team member's linked account is left alone);
- delivery records: recipient Zalo id and phone of finished deliveries older than the period are blanked
  (the delivery rows stay, for the province's reports and Zalo cost figures);
- result files: the encrypted copy of a result attached longer ago than the period is deleted (results/; the row
  stays, marked, and its download link stops working). The province's own system keeps the original;
- registration forms: the answers (name, CCCD number, address...) of registrations made longer ago are blanked
  (registrations/; the row stays, for the counts). The dossier created from one keeps what the law requires.
"""

from datetime import datetime, timedelta

from sqlalchemy import String, and_, cast, or_, select, update

from platform_core.audit.service import record_event
from platform_core.citizens.constants import (
    RETENTION_CHAT,
    RETENTION_CONTACT,
    RETENTION_DELIVERIES,
    RETENTION_REGISTRATIONS,
    RETENTION_RESULTS,
)
from platform_core.citizens.records import ERASED_KEY, anonymise_follower, erase_chat_words, erased_body
from platform_core.db.types import utcnow
from platform_core.delivery.constants import PENDING, SENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.outbox import BOT_REPLY
from platform_core.extensions import db
from platform_core.registrations.service import purge_answers
from platform_core.results.service import purge_files
from platform_core.settings.service import province_settings
from platform_core.zalo.models import Follower, ZaloEvent

BATCH = 500
CHAT_REPLIES = "chat_replies"  # counted with the chat events' period, not a period of its own


def purge(now: datetime | None = None) -> dict[str, int]:
    """Apply the tenant in context's periods; one audit event with the counts."""
    now, days = now or utcnow(), province_settings().retention_days
    chat_cutoff = now - timedelta(days=days[RETENTION_CHAT])
    counts = {
        RETENTION_CHAT: _purge_events(chat_cutoff),
        CHAT_REPLIES: _purge_chat_words(chat_cutoff),
        RETENTION_CONTACT: _purge_contacts(now - timedelta(days=days[RETENTION_CONTACT]), now),
        RETENTION_DELIVERIES: _purge_deliveries(now - timedelta(days=days[RETENTION_DELIVERIES])),
        RETENTION_RESULTS: purge_files(now - timedelta(days=days[RETENTION_RESULTS]), now),
        RETENTION_REGISTRATIONS: purge_answers(now - timedelta(days=days[RETENTION_REGISTRATIONS]), now),
    }
    record_event("retention_purged", details={"counts": counts, "days": days})
    db.session.flush()
    return counts


def _purge_events(cutoff: datetime) -> int:
    """Processed events only (one still waiting to be processed needs its body); in batches."""
    count = 0
    while True:
        events = list(db.session.scalars(select(ZaloEvent).where(
            ZaloEvent.received_at < cutoff, ZaloEvent.processed_at.is_not(None),
            ~ZaloEvent.raw_body.contains('"erased": true'),
        ).limit(BATCH)))
        for event in events:
            event.raw_body = erased_body(event.event_name)
        db.session.flush()
        count += len(events)
        if len(events) < BATCH:
            return count


def _purge_chat_words(cutoff: datetime) -> int:
    """In batches. The JSON context is matched as text: records.erase_chat_words marks what it blanked, and a
    candidate here is always one it blanks, so every batch shrinks what is left."""
    context = cast(Notification.context, String)
    waiting = select(Delivery.id).where(Delivery.notification_id == Notification.id,
                                        Delivery.state.in_((PENDING, SENDING))).exists()
    due = select(Notification.id).where(
        Notification.created_at < cutoff,
        or_(Notification.event_kind == BOT_REPLY, context.contains('"composed": true')),
        ~context.contains('"promotion": true'), ~context.contains(f'"{ERASED_KEY}": true'), ~waiting,
    ).limit(BATCH)
    count = 0
    while True:
        ids = set(db.session.scalars(due))
        blanked = erase_chat_words(ids)
        db.session.flush()
        count += blanked
        if len(ids) < BATCH or not blanked:
            return count


def _purge_contacts(cutoff: datetime, now: datetime) -> int:
    followers = list(db.session.scalars(select(Follower).where(
        Follower.is_follower.is_(False), Follower.staff_user_id.is_(None), Follower.anonymised_at.is_(None),
        or_(Follower.last_interaction_at < cutoff,
            and_(Follower.last_interaction_at.is_(None), Follower.created_at < cutoff)),
    )))
    for follower in followers:
        anonymise_follower(follower, now)
    return len(followers)


def _purge_deliveries(cutoff: datetime) -> int:
    result = db.session.execute(update(Delivery).where(
        Delivery.created_at < cutoff, Delivery.state.not_in((PENDING, SENDING)),
        or_(Delivery.recipient_zalo_user_id.is_not(None), Delivery.recipient_phone.is_not(None)),
    ).values(recipient_zalo_user_id=None, recipient_phone=None), execution_options={"synchronize_session": False})
    return result.rowcount
