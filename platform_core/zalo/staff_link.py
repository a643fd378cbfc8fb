"""Linking a team member's own Zalo account to their user, so that trial messages and test messages reach them.

Zalo user ids are per OA and Zalo never tells us who a user is, so the member proves it: signed in, they ask
for a short code ("MC-123456", 10 minutes, single use) and write it to the province's OA from their Zalo.
The webhook's `user_send_text` reaches the bot's handler, which asks `answer` first: a code of this tenant
links the writer's Follower row to the member (one Zalo account per member and tenant). The session scopes
every query to the tenant whose OA received the message, so another province's code never matches.
"""

import contextlib
import logging
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

import redis
from flask_babel import force_locale, gettext
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.auth.models import Membership, User
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.zalo.models import Follower, StaffLinkCode

CODE_PREFIX = "MC"
CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=10)
# Codes are 6 digits: an account guessing them is stopped after MAX_WRONG_CODES wrong ones in an hour.
MAX_WRONG_CODES = 5
WRONG_CODES_WINDOW = 3600  # seconds
log = logging.getLogger(__name__)
_linked_listeners: list[Callable[[User, datetime], object]] = []
# As typed on a phone: "MC-123456", "mc 123456", "Mc123456", with stray spaces or a final full stop.
_CODE_IN_TEXT = re.compile(r"^\s*#?\s*mc\s*[-–_.\s]?\s*(\d{6})\s*[.!]?\s*$", re.IGNORECASE)


def parse_code(text: str) -> str | None:
    """The code written in `text`, in its stored form, or None when the text is not a link code."""
    match = _CODE_IN_TEXT.match(text or "")
    return f"{CODE_PREFIX}-{match.group(1)}" if match else None


def issue_code(user: User, now: datetime | None = None) -> StaffLinkCode:
    """A new code for `user` in the tenant in context; their earlier unused codes stop working."""
    now = now or utcnow()
    for earlier in db.session.scalars(select(StaffLinkCode).where(
            StaffLinkCode.user_id == user.id, StaffLinkCode.used_at.is_(None), StaffLinkCode.expires_at > now)):
        earlier.expires_at = now
    code = StaffLinkCode(user_id=user.id, code=_unused_code(), expires_at=now + CODE_LIFETIME)
    db.session.add(code)
    db.session.flush()
    record_event("staff_link_code_issued", actor=user, target=code)
    db.session.flush()  # while this tenant is in context, whenever the caller commits
    return code


def open_code(user: User, now: datetime | None = None) -> StaffLinkCode | None:
    """The member's code still waiting to be written to the OA, if any."""
    return db.session.scalar(select(StaffLinkCode).where(
        StaffLinkCode.user_id == user.id, StaffLinkCode.used_at.is_(None),
        StaffLinkCode.expires_at > (now or utcnow()),
    ).order_by(StaffLinkCode.created_at.desc()).limit(1))


def waiting_code(user: User) -> StaffLinkCode | None:
    """What a page shows a member: their open code, or a new one while they have no linked account yet."""
    code = open_code(user)
    if code is None and linked_follower(user) is None:
        code = issue_code(user)
    return code


def status(user: User) -> dict:
    """The member's link as pages and their polling script see it; `state` changes whenever the page would."""
    follower, code = linked_follower(user), open_code(user)
    return {
        "linked": follower is not None,
        "zalo_user_id": follower.zalo_user_id if follower else None,
        "linked_at": follower.staff_linked_at.isoformat() if follower else None,
        "code": code.code if code else None,
        "expires_at": code.expires_at.isoformat() if code else None,
        "state": f"linked:{follower.zalo_user_id}" if follower else f"waiting:{code.code if code else ''}",
    }


def linked_follower(user: User) -> Follower | None:
    """The Zalo account `user` linked in the tenant in context."""
    return db.session.scalar(select(Follower).where(Follower.staff_user_id == user.id)
                             .order_by(Follower.staff_linked_at.desc()).limit(1))


def answer(follower: Follower, text: str, now: datetime | None = None) -> str | None:
    """If `text` is a link code: link `follower` when the code is good, and return the reply to send (in
    Vietnamese, as every message to a Zalo user). None when the text is not a link code at all."""
    wanted = parse_code(text)
    if wanted is None:
        return None
    now = now or utcnow()
    with force_locale("vi"):
        if _wrong_codes(follower) >= MAX_WRONG_CODES:
            return gettext("Too many wrong link codes from this Zalo account. Wait an hour, then ask for a new "
                           "code in Motcua.")
        code = db.session.scalar(select(StaffLinkCode).where(StaffLinkCode.code == wanted))
        user = db.session.get(User, code.user_id) if code is not None else None
        if code is None or code.used_at is not None or code.expires_at <= now or not _is_member(user):
            _count_wrong_code(follower)
            return gettext("This link code is not valid or has expired. Ask for a new code in Motcua and send "
                           "it here within 10 minutes.")
        link(follower, user, code, now)
        return gettext("Your Zalo account is now linked to %(name)s. Test messages from Motcua will reach you "
                       "here.", name=user.full_name)


def on_linked(listener: Callable[[User, datetime], object]) -> None:
    """`listener(user, now)` runs in the transaction that links a member's Zalo account, after the link is
    made (officials/service.py sends the notices that were waiting for it)."""
    _linked_listeners.append(listener)


def link(follower: Follower, user: User, code: StaffLinkCode, now: datetime) -> None:
    """Make `follower` the member's one Zalo account in this tenant and use up the code."""
    db.session.flush()  # a follower first seen with this very message needs its id
    for earlier in db.session.scalars(select(Follower).where(Follower.staff_user_id == user.id,
                                                             Follower.id != follower.id)):
        earlier.staff_user_id = earlier.staff_linked_at = None
    follower.staff_user_id, follower.staff_linked_at = user.id, now
    code.used_at, code.zalo_user_id = now, follower.zalo_user_id
    record_event("staff_zalo_linked", actor=user, target=follower,
                 details={"zalo_user_id": follower.zalo_user_id, "code_id": str(code.id)})
    for listener in _linked_listeners:
        listener(user, now)


def _wrong_codes_key(follower: Follower) -> str:
    return f"motcua:staff-link-wrong:{require_tenant().id}:{follower.zalo_user_id}"


def _wrong_codes(follower: Follower) -> int:
    """Wrong codes this Zalo account wrote in the last WRONG_CODES_WINDOW. Without Redis the limit is not
    applied (a code is still 6 random digits, valid 10 minutes, single use)."""
    try:
        return int(get_redis().get(_wrong_codes_key(follower)) or 0)
    except redis.RedisError as error:
        log.warning("staff link: wrong-code count unavailable (%s)", error)
        return 0


def _count_wrong_code(follower: Follower) -> None:
    with contextlib.suppress(redis.RedisError):
        pipe = get_redis().pipeline()
        pipe.incr(_wrong_codes_key(follower))
        pipe.expire(_wrong_codes_key(follower), WRONG_CODES_WINDOW)
        pipe.execute()


def _is_member(user: User | None) -> bool:
    return user is not None and user.active and db.session.scalar(select(Membership.id).where(
        Membership.user_id == user.id, Membership.tenant_id == require_tenant().id)) is not None


def _unused_code() -> str:
    """Codes are unique per tenant for ever (the table keeps used ones), so draw until one is free."""
    while True:
        code = f"{CODE_PREFIX}-{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        if db.session.scalar(select(StaffLinkCode.id).where(StaffLinkCode.code == code)) is None:
            return code
