"""Planning a broadcast: its audience, walked in follower-id order, becomes one delivery per recipient.

Each chunk (PLAN_CHUNK followers) is one transaction: its deliveries and promotion-ledger rows are inserted in
bulk (core inserts: the ORM's per-object flush would be far slower, so `tenant_id` is given explicitly) and the
broadcast's `plan_cursor` moves to the chunk's last follower in the same commit. A crash loses at most the chunk
being written, never a row, and planning picks up after the cursor (jobs.broadcasts_tick).

Zalo's promotion rules (zalo-oa.md §2) are kept here, before anything is sent:
- followers who agreed to policy news only (audience.py);
- one promotion per citizen per Vietnam day: the ledger's unique key; a citizen already given one on the day
  a delivery would go out is skipped (counted in `skipped_count`);
- the OA's daily cap: once a day has as many ledger rows as the cap, the rest go on the next day;
- 06:00-21:59: a delivery is due at once only inside those hours, otherwise at the next opening (deferred).
"""

from datetime import timedelta

from sqlalchemy import func, insert, select

from platform_core.broadcasts.audience import follower_count, next_followers
from platform_core.broadcasts.constants import PLAN_CHUNK, SENDING
from platform_core.broadcasts.hours import Hours, sending_hours, zalo_daily_cap
from platform_core.broadcasts.models import Broadcast, PromotionLedger
from platform_core.db.base import new_id
from platform_core.db.lookup import one_by_id
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.delivery.constants import CLASS_BULK, PENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.policy import limits_for
from platform_core.extensions import db
from platform_core.tenancy.context import require_tenant
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
    """Give Zalo the banner (upload/image, zalo-oa.md §4) when it is stale, and put its attachment id on the
    message: deliveries still waiting read it from there when they are sent."""
    now = now or utcnow()
    if not image_is_stale(broadcast, now) or not broadcast.image:
        return
    content, content_type = broadcast.image, broadcast.image_content_type
    filename = "banner.png" if content_type == "image/png" else "banner.jpg"
    attachment_id = with_access_token(client, lambda token: client.upload_image(token, filename, content, content_type),
                                      end_transaction=True)
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
    return cap if cap is not None else zalo_daily_cap(follower_count())


def plan(broadcast_id, now=None, after_chunk=None) -> int:
    """Plan every remaining chunk of a broadcast that is sending; returns the chunks written. `after_chunk` is
    called after each commit (the job refreshes its lock there). `now` is for tests: default, the clock."""
    hours, cap, chunks = sending_hours(), daily_cap(), 0
    while plan_chunk(broadcast_id, now or utcnow(), hours, cap):
        chunks += 1
        if after_chunk:
            after_chunk()
    return chunks


def plan_chunk(broadcast_id, now, hours: Hours, cap: int) -> bool:
    """Plan the next chunk and commit; returns whether a chunk was written (False: nothing left to plan, or the
    broadcast is no longer sending, e.g. cancelled)."""
    broadcast = db.session.scalar(select(Broadcast).where(Broadcast.id == broadcast_id).with_for_update())
    if broadcast is None or broadcast.status != SENDING or broadcast.planning_done_at is not None:
        db.session.commit()
        return False
    followers = next_followers(broadcast.audience, broadcast.plan_cursor, PLAN_CHUNK)
    if followers:
        planned = _write_chunk(broadcast, followers, now, hours, cap)
        broadcast.plan_cursor = str(followers[-1].id)
        broadcast.planned_count += planned
        broadcast.skipped_count += len(followers) - planned
    if len(followers) < PLAN_CHUNK:
        broadcast.planning_done_at = now
    db.session.commit()
    return bool(followers)


def _write_chunk(broadcast: Broadcast, followers: list, now, hours: Hours, cap: int) -> int:
    """Insert the chunk's deliveries and ledger rows; returns how many recipients were planned."""
    tenant_id, first_day = require_tenant().id, hours.first_day(now)
    user_ids = [follower.zalo_user_id for follower in followers]
    used: dict = {}
    # Only the days this chunk can land on are looked up: a lookup by (day IN ..., user IN ...) stays on the
    # ledger's unique index, where "from this day on" would scan every later day's rows, chunk after chunk.
    taken = {tuple(row) for row in db.session.execute(
        select(PromotionLedger.local_date, PromotionLedger.zalo_user_id)
        .where(PromotionLedger.local_date.in_(_days_for(len(user_ids), first_day, used, cap)),
               PromotionLedger.zalo_user_id.in_(user_ids)))}
    deliveries, ledger = [], []
    for user_id in user_ids:
        day = _day_with_room(first_day, used, cap)
        if (day, user_id) in taken:
            continue  # already given a promotion that day (an earlier broadcast)
        used[day] += 1
        deliveries.append({"tenant_id": tenant_id, "id": new_id(), "notification_id": broadcast.notification_id,
                           "recipient_zalo_user_id": user_id, "message_class": CLASS_BULK, "state": PENDING,
                           "attempts": 0, "simulated": False, "next_attempt_at": hours.due_at(day, now),
                           "created_at": now, "updated_at": now})
        ledger.append({"tenant_id": tenant_id, "id": new_id(), "local_date": day, "zalo_user_id": user_id,
                       "broadcast_id": broadcast.id, "created_at": now})
    if deliveries:
        db.session.execute(insert(Delivery.__table__), deliveries)  # Core executemany: no per-row ORM work
        db.session.execute(insert(PromotionLedger.__table__), ledger)
    return len(deliveries)


def _days_for(count: int, day, used: dict, cap: int) -> list:
    """The days `count` recipients would fill from `day` on (skipped citizens only ever use fewer)."""
    days = []
    while count > 0:
        day = _day_with_room(day, used, cap)
        days.append(day)
        count -= cap - used[day]
        day += timedelta(days=1)
    return days


def _day_with_room(day, used: dict, cap: int):
    """The first day from `day` on whose ledger has fewer than `cap` rows (counted once per day and chunk)."""
    while True:
        if day not in used:
            used[day] = db.session.scalar(select(func.count()).select_from(PromotionLedger)
                                          .where(PromotionLedger.local_date == day)) or 0
        if used[day] < cap:
            return day
        day += timedelta(days=1)
