"""The daily digest: once a day, at the hour each official chose (Vietnam time), how many notices are still
unacknowledged by kind, today's meetings and what falls due within 24 hours. Nothing is sent on a day with
nothing to say, but the day still counts as done (`last_digest_on`)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from platform_core.clock import VIETNAM
from platform_core.delivery.outbox import send_composed
from platform_core.extensions import db
from platform_core.officials import recipients
from platform_core.officials.constants import DIGEST_EVENT_KIND, KIND_LABELS, KIND_MEETING, OPEN_STATUSES
from platform_core.officials.messages import digest_message
from platform_core.officials.models import InternalNotice, OfficialProfile


def send_digests(now: datetime) -> int:
    """Send today's digest to every active official whose hour has come; returns how many were sent."""
    local_now = now.astimezone(VIETNAM)
    today = local_now.date().isoformat()
    due = db.session.scalars(select(OfficialProfile).where(
        OfficialProfile.active.is_(True), OfficialProfile.digest_hour <= local_now.hour,
        (OfficialProfile.last_digest_on.is_(None)) | (OfficialProfile.last_digest_on != today),
    )).all()
    sent = 0
    for profile in due:
        profile.last_digest_on = today
        zalo_user_id = recipients.linked_zalo_user_id(profile.user_id)
        counts = digest_counts(profile.user_id, now)
        if zalo_user_id is None or recipients.member(profile.user_id) is None or not any(counts):
            continue
        send_composed(digest_message(local_now.strftime("%d/%m/%Y"), *counts), event_kind=DIGEST_EVENT_KIND,
                      idempotency_key=f"digest:{profile.user_id.hex}:{today}", zalo_user_id=zalo_user_id)
        sent += 1
    return sent


def digest_counts(user_id, now: datetime) -> tuple[dict[str, int], int, int]:
    """(open notices by kind, in the kinds' order; meetings starting today; open notices due within 24 h)."""
    mine = select(func.count()).select_from(InternalNotice).where(InternalNotice.user_id == user_id)
    open_mine = mine.where(InternalNotice.status.in_(OPEN_STATUSES))
    by_kind = dict(db.session.execute(
        select(InternalNotice.kind, func.count()).where(InternalNotice.user_id == user_id,
                                                       InternalNotice.status.in_(OPEN_STATUSES))
        .group_by(InternalNotice.kind)).all())
    day_start = now.astimezone(VIETNAM).replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = db.session.scalar(mine.where(InternalNotice.kind == KIND_MEETING,
                                            InternalNotice.starts_at >= day_start,
                                            InternalNotice.starts_at < day_start + timedelta(days=1)))
    near = db.session.scalar(open_mine.where(InternalNotice.due_at >= now,
                                             InternalNotice.due_at < now + timedelta(hours=24)))
    return {kind: by_kind[kind] for kind in KIND_LABELS if by_kind.get(kind)}, meetings, near
