"""Planning a broadcast: its audience, walked in follower-id order, becomes one delivery per recipient.

Planning is set-based: no follower travels through Python. Each chunk (PLAN_CHUNK followers of the audience, in
id order) is one transaction of a few INSERT … SELECT statements per Vietnam day it lands on (ledger.py for
the promotion ledger, _write_deliveries for the deliveries, ids made by the database: db/sql_ids.py), and the
broadcast's `plan_cursor` moves to the chunk's last follower id in the same commit. A crash loses at most the
chunk being written, never a row, and planning picks up after the cursor (jobs.broadcasts_tick); memory does
not grow with the audience.

Zalo's promotion rules (docs/zalo-oa.md §2) are kept here, before anything is sent:
- followers who agreed to policy news only (audience.py);
- one promotion per citizen per Vietnam day: the ledger's unique key; a citizen already given one on the day
  a delivery would go out is skipped (counted in `skipped_count`);
- the OA's daily cap: once a day has as many ledger rows as the cap, the rest go on the next day;
- 06:00-21:59: a delivery is due at once only inside those hours, otherwise at the next opening (deferred).
"""

import uuid
from datetime import timedelta

from sqlalchemy import literal, select, true

from platform_core.broadcasts import audience, ledger
from platform_core.broadcasts.constants import PLAN_CHUNK, SENDING
from platform_core.broadcasts.hours import Hours, sending_hours, zalo_daily_cap
from platform_core.broadcasts.models import Broadcast
from platform_core.db.lookup import one_by_id
from platform_core.db.plans import plan_for_values
from platform_core.db.session import scoped_for_insert
from platform_core.db.sql_ids import new_id_sql
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.delivery.constants import CLASS_BULK, PENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.policy import limits_for
from platform_core.extensions import db
from platform_core.zalo.models import Follower
from platform_core.zalo.tokens import with_access_token

NEWS_EVENT = "policy_news"
UPLOAD_REFRESH = timedelta(days=6)  # Zalo keeps an upload 7 days: upload again a day before it goes
READ_MORE = "Xem chi tiết"  # the article button, in Vietnamese like every message to citizens


def message_for(broadcast: Broadcast) -> ComposedMessage:
    """The promotion card every recipient gets: banner, title, text, and a button to the article."""
    buttons = (ComposedButton(READ_MORE, url=broadcast.article_url),) if broadcast.article_url else ()
    return ComposedMessage(text=broadcast.body, header=broadcast.title, buttons=buttons,
                           image_attachment_id=broadcast.image_attachment_id, promotion=True)


def open_notification(broadcast: Broadcast) -> Notification:
    """The broadcast's single notification (every delivery belongs to it), written when sending starts."""
    notification = Notification(event_kind=NEWS_EVENT, message_class=CLASS_BULK,
                                idempotency_key=f"broadcast:{broadcast.id}",
                                context=message_for(broadcast).to_context())
    db.session.add(notification)
    db.session.flush()
    broadcast.notification_id = notification.id
    return notification


def image_is_stale(broadcast: Broadcast, now) -> bool:
    """Whether the banner needs (again) uploading: never uploaded, or uploaded longer than UPLOAD_REFRESH ago.
    Zalo keeps an upload for 7 days, and the daily cap can spread one broadcast over more days than that."""
    if not broadcast.image_content_type:
        return False
    uploaded = broadcast.image_uploaded_at
    return not broadcast.image_attachment_id or uploaded is None or now - uploaded >= UPLOAD_REFRESH


def upload_image(broadcast: Broadcast, client, now=None) -> None:
    """Give Zalo the banner (upload/image, docs/zalo-oa.md §4) when it is stale, and put its attachment id on the
    message: deliveries still waiting read it from there when they are sent."""
    now = now or utcnow()
    if not image_is_stale(broadcast, now) or not broadcast.image:
        return
    content, content_type = broadcast.image, broadcast.image_content_type
    filename = "banner.png" if content_type == "image/png" else "banner.jpg"
    attachment_id = with_access_token(client, lambda token: client.upload_image(token, filename, content, content_type))
    broadcast.image_attachment_id, broadcast.image_uploaded_at = attachment_id, now
    notification = db.session.get(Notification, (require_tenant().id, broadcast.notification_id))
    notification.context = {**notification.context, "image_attachment_id": attachment_id}
    db.session.commit()


def record_failure(broadcast_id, error: Exception) -> None:
    """Say on the broadcast why uploading or planning failed (Zalo's code and words); the next tick tries
    again."""
    db.session.rollback()
    broadcast = one_by_id(Broadcast, broadcast_id)
    if broadcast is not None:
        broadcast.planning_error = str(error)[:500]
        db.session.commit()


def clear_failure(broadcast: Broadcast) -> None:
    if broadcast.planning_error is not None:
        broadcast.planning_error = None
        db.session.commit()


def daily_cap() -> int:
    """The province's own bulk cap (delivery RatePolicy, trial cap included), else Zalo's rule."""
    cap = limits_for(CLASS_BULK).daily_cap
    return cap if cap is not None else zalo_daily_cap(audience.follower_count())


def plan(broadcast_id, now=None, after_chunk=None) -> int:
    """Plan every remaining chunk of a broadcast that is sending; returns the chunks written. `after_chunk` is
    called after each commit (the job refreshes its lock there). `now` is for tests: default, the clock."""
    hours, cap, chunks, full_days = sending_hours(), daily_cap(), 0, set()
    while plan_chunk(broadcast_id, now or utcnow(), hours, cap, full_days):
        chunks += 1
        if after_chunk:
            after_chunk()
    return chunks


def plan_chunk(broadcast_id, now, hours: Hours, cap: int, full_days: set | None = None) -> bool:
    """Plan the next chunk and commit; returns whether a chunk was written (False: nothing left to plan, or the
    broadcast is no longer sending, e.g. cancelled). `full_days` (kept from chunk to chunk by `plan`) gathers
    the days found at the cap, so that later chunks do not count them again: a day only ever fills up."""
    plan_for_values(db.session)
    broadcast = db.session.scalar(select(Broadcast).where(Broadcast.id == broadcast_id).with_for_update())
    if broadcast is None or broadcast.status != SENDING or broadcast.planning_done_at is not None:
        db.session.commit()
        return False
    after = uuid.UUID(broadcast.plan_cursor) if broadcast.plan_cursor else None
    upto, followers = audience.chunk_end(broadcast.audience, after, PLAN_CHUNK)
    if followers:
        planned = _write_chunk(broadcast, after, upto, now, hours, cap, set() if full_days is None else full_days)
        broadcast.plan_cursor = str(upto)
        broadcast.planned_count += planned
        broadcast.skipped_count += followers - planned
    if followers < PLAN_CHUNK:
        broadcast.planning_done_at = now
    db.session.commit()
    return bool(followers)


def _write_chunk(broadcast: Broadcast, after, upto, now, hours: Hours, cap: int, full_days: set) -> int:
    """Plan the followers in (after, upto] day by day, from the first day with room in the cap: each day takes
    the next followers in id order until its cap is reached, those already given that day's promotion left
    out (and not counted against the cap). A few statements per day, whatever the chunk's size; returns how
    many were planned."""
    day, planned = hours.first_day(now), 0
    while after != upto:
        room = 0 if day in full_days else cap - ledger.used_on(day)
        if room > 0:
            end = ledger.last_of_day(broadcast.audience, after, upto, day, room)
            planned += ledger.write(broadcast.audience, after, end or upto, day, broadcast.id, now)
            _write_deliveries(broadcast, after, end or upto, day, hours.due_at(day, now), now)
            after = end or upto
            room = 0 if end else room
        if room <= 0:
            full_days.add(day)
        day += timedelta(days=1)
    return planned


def _write_deliveries(broadcast: Broadcast, after, upto, day, due, now) -> None:
    """One pending bulk delivery for each follower in (after, upto] whose promotion on `day` is the broadcast's:
    the ledger decided who is planned, the deliveries follow it row for row (one lookup on its unique key per
    follower of the range, not a join: ledger.promotion_on says why)."""
    rows = (select(new_id_sql(), Follower.zalo_user_id, *(literal(value, column.type) for column, value in (
                (Delivery.notification_id, broadcast.notification_id), (Delivery.message_class, CLASS_BULK),
                (Delivery.state, PENDING), (Delivery.attempts, 0), (Delivery.simulated, False),
                (Delivery.next_attempt_at, due), (Delivery.created_at, now), (Delivery.updated_at, now))))
            .where(Follower.id > after if after is not None else true(), Follower.id <= upto,
                   ledger.promotion_on(day) == broadcast.id))
    db.session.execute(scoped_for_insert(Delivery, [
        "id", "recipient_zalo_user_id", "notification_id", "message_class", "state", "attempts", "simulated",
        "next_attempt_at", "created_at", "updated_at"], rows))
