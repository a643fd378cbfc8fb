"""Notices to officials: create them (API, console, the platform itself), send each to the official's linked
Zalo account, re-send urgent ones until acknowledged, and record reads and acknowledgements.

State (docs/domain.md §8.2): CREATED -> SENT -> READ -> ACKNOWLEDGED. A notice to an official without a linked Zalo
account stays CREATED (the console shows it, their digest counts it) and is sent when they link one. Every
message is its own notification with its own idempotency key ("notice:<id>:<n>"), so a re-send is never
mistaken for a repeat of the first.
"""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select

from platform_core.audit.service import record_event
from platform_core.db.first_writer import first_writer_wins
from platform_core.db.lookup import one_by_id
from platform_core.db.types import utcnow
from platform_core.delivery.outbox import send_composed
from platform_core.dossiers.errors import Conflict
from platform_core.extensions import db
from platform_core.officials import messages, recipients
from platform_core.officials.constants import (
    ACKNOWLEDGED,
    CREATED,
    EVENT_KIND,
    MAX_RESENDS,
    OPEN_STATUSES,
    READ,
    RESEND_MINUTES,
    SECRECY_NONE,
    SENT,
)
from platform_core.officials.models import InternalNotice

ACK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: it is read on a phone
ACK_LENGTH = 6
NOTICE_FIELDS = ("kind", "title", "body", "urgency", "secrecy", "starts_at", "location", "due_at",
                 "source_system", "source_ref", "link_url")


def create_notices(data: dict, actor=None, now: datetime | None = None) -> tuple[list[InternalNotice], bool]:
    """One notice per recipient named in `data` (external_ref or e-mail), each sent at once, in the caller's
    transaction. Idempotent on `idempotency_key` (or source_system + source_ref): a repeat returns the notices
    first created and False."""
    return notify_users(recipients.resolve(data["recipients"]), data, actor, now)


def notify_users(users, data: dict, actor=None, now: datetime | None = None) -> tuple[list[InternalNotice], bool]:
    """create_notices for team members already known (the platform's own notices)."""
    base_key, now = request_key(data), now or utcnow()
    keys = {user.id: f"{base_key}#{user.id.hex}" if base_key else None for user in users}
    known = _by_keys([key for key in keys.values() if key])
    notices, created = [], False
    for user in users:
        key = keys[user.id]
        existing = known.get(key)
        if existing is not None:
            _refuse_another_body(existing, data)
            notices.append(existing)
        else:
            notice, made = _new_or_concurrent(user, key, data, actor, now)
            notices.append(notice)
            created = created or made
    return notices, created


def _new_or_concurrent(user, key: str | None, data: dict, actor, now: datetime) -> tuple[InternalNotice, bool]:
    """A new notice; or, when a concurrent request with the same key made it first, theirs (as a repeat)."""
    if key is None:
        return _new_notice(user, key, data, actor, now), True

    def same_as(winner: InternalNotice) -> InternalNotice:
        _refuse_another_body(winner, data)
        return winner

    return first_writer_wins(lambda: _new_notice(user, key, data, actor, now),
                             lambda: _by_keys([key]).get(key), same_as)


def _by_keys(keys: list[str]) -> dict[str, InternalNotice]:
    """The notices already made under these keys, in one query."""
    if not keys:
        return {}
    rows = db.session.scalars(select(InternalNotice).where(InternalNotice.idempotency_key.in_(keys)))
    return {notice.idempotency_key: notice for notice in rows}


def _new_notice(user, key: str | None, data: dict, actor, now: datetime) -> InternalNotice:
    notice = InternalNotice(user_id=user.id, idempotency_key=key, ack_code=_unused_ack_code(),
                            created_by_id=getattr(actor, "id", None),
                            **{name: data[name] for name in NOTICE_FIELDS if data.get(name) is not None})
    db.session.add(notice)
    db.session.flush()
    record_event("official_notice_created", actor=actor, target=notice,
                 details={"kind": notice.kind, "urgency": notice.urgency, "user_id": str(user.id)})
    send(notice, now)
    return notice


def _refuse_another_body(existing: InternalNotice, data: dict) -> None:
    """The key already made a notice: a repeat must say the same thing (409 naming what differs)."""
    differs = {name: ["differs from the notice first created with this key"] for name in NOTICE_FIELDS
               if name in data and data[name] != getattr(existing, name)}
    if differs:
        raise Conflict(differs)


def request_key(data: dict) -> str | None:
    if data.get("idempotency_key"):
        return data["idempotency_key"]
    if data.get("source_system") and data.get("source_ref"):
        return f"{data['source_system']}:{data['source_ref']}"[:120]
    return None


def send(notice: InternalNotice, now: datetime) -> bool:
    """Write the next message of `notice` to the official's linked Zalo account; False when they have none
    or are no longer in the team (re-sending then stops)."""
    zalo_user_id = recipients.linked_zalo_user_id(notice.user_id)
    if zalo_user_id is None or recipients.member(notice.user_id) is None:
        notice.next_resend_at = None
        return False
    notice.send_count += 1
    message = messages.notice_message(notice, _open_secret_count(notice))
    send_composed(message, event_kind=EVENT_KIND, idempotency_key=_message_key(notice),
                  zalo_user_id=zalo_user_id)
    if notice.status == CREATED:
        notice.status, notice.sent_at = SENT, now
    notice.next_resend_at = next_resend(notice, now)
    return True


def send_waiting(user, now: datetime) -> int:
    """Send the notices that were made for `user` before they linked their Zalo account (still CREATED),
    oldest first, now that they have one. Returns how many went."""
    waiting = db.session.scalars(select(InternalNotice).where(
        InternalNotice.user_id == user.id, InternalNotice.status == CREATED).order_by(InternalNotice.created_at))
    return sum(send(notice, now) for notice in waiting.all())


def _message_key(notice: InternalNotice) -> str:
    """Each sending of a notice is its own message: "notice:<id>:<n>"."""
    return f"notice:{notice.id}:{notice.send_count}"


def notice_id_of(message_key: str) -> str:
    """The notice a message key (`_message_key`) belongs to."""
    return message_key.split(":")[1]


def next_resend(notice: InternalNotice, now: datetime) -> datetime | None:
    minutes = RESEND_MINUTES.get(notice.urgency)
    if minutes is None or notice.send_count > MAX_RESENDS:
        return None
    return now + timedelta(minutes=minutes)


def resend_due(now: datetime) -> int:
    """Send again every urgent notice still unacknowledged whose time has come; returns how many."""
    due = db.session.scalars(select(InternalNotice).where(
        InternalNotice.next_resend_at <= now, InternalNotice.status.in_((SENT, READ)),
    ).order_by(InternalNotice.next_resend_at)).all()
    return sum(send(notice, now) for notice in due)


def acknowledge(notice: InternalNotice, now: datetime) -> bool:
    """Mark `notice` acknowledged (re-sending stops); False if it already was."""
    if notice.status not in OPEN_STATUSES:
        return False
    notice.status, notice.acknowledged_at, notice.next_resend_at = ACKNOWLEDGED, now, None
    notice.read_at = notice.read_at or now
    return True


def mark_read(notice_id, at: datetime) -> None:
    """A message of the notice was seen on Zalo."""
    notice = get_notice(notice_id)
    if notice is not None and notice.status == SENT:
        notice.status, notice.read_at = READ, at


def find_by_ack_code(code: str) -> InternalNotice | None:
    return db.session.scalar(select(InternalNotice).where(InternalNotice.ack_code == code))


def get_notice(notice_id) -> InternalNotice | None:
    """The tenant's notice with this id; None for a malformed id or another tenant's."""
    return one_by_id(InternalNotice, notice_id)


def _open_secret_count(notice: InternalNotice) -> int:
    if notice.secrecy == SECRECY_NONE:
        return 0
    return db.session.scalar(select(func.count()).select_from(InternalNotice).where(
        InternalNotice.user_id == notice.user_id, InternalNotice.secrecy != SECRECY_NONE,
        InternalNotice.status.in_(OPEN_STATUSES)))


def _unused_ack_code() -> str:
    while True:
        code = "".join(secrets.choice(ACK_ALPHABET) for _ in range(ACK_LENGTH))
        if find_by_ack_code(code) is None:
            return code

