"""The last message the province sent a citizen: what a short answer ("có", "5", "hài lòng") replies to.

A citizen answers what they were just asked, so the bot reads the newest message written to them (any kind:
a bot reply in between means the question is no longer the last thing they read). A batch of citizens'
messages reads every citizen's last message at once (`remember_last_messages`)."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from platform_core.db import batch_facts
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db

ANSWER_WINDOW = timedelta(hours=24)  # a question older than this is not "just asked"
LAST_MESSAGE = "delivery.last_message"  # batch facts: Zalo user id -> Notification or None


def last_message_to(zalo_user_id: str, now: datetime) -> Notification | None:
    """The newest notification written to this Zalo user within ANSWER_WINDOW, or None."""
    known = batch_facts.recall(LAST_MESSAGE, zalo_user_id)
    if known is not batch_facts.MISSING:
        return known if known is not None and known.created_at > now - ANSWER_WINDOW else None
    statement = (
        select(Notification)
        .join(Delivery, (Delivery.tenant_id == Notification.tenant_id) & (Delivery.notification_id == Notification.id))
        .where(Delivery.recipient_zalo_user_id == zalo_user_id, Notification.created_at > now - ANSWER_WINDOW)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(1)
    )
    return db.session.scalar(statement)


def remember_last_messages(zalo_user_ids: set[str], now: datetime) -> None:
    """Each citizen's `last_message_to`, in one query for all of them (a window function picks each one's
    newest), remembered for the batch; forgotten for a citizen when a message to them is written (outbox)."""
    if not zalo_user_ids:
        return
    newest = (select(Notification.id, Delivery.recipient_zalo_user_id,
                     func.row_number().over(partition_by=Delivery.recipient_zalo_user_id,
                                            order_by=(Notification.created_at.desc(), Notification.id.desc()))
                     .label("rank"))
              .join(Delivery, (Delivery.tenant_id == Notification.tenant_id)
                    & (Delivery.notification_id == Notification.id))
              .where(Delivery.recipient_zalo_user_id.in_(zalo_user_ids),
                     Notification.created_at > now - ANSWER_WINDOW)
              .subquery())
    rows = db.session.execute(select(Notification, newest.c.recipient_zalo_user_id)
                              .join(newest, Notification.id == newest.c.id).where(newest.c.rank == 1)).all()
    found = {user_id: notification for notification, user_id in rows}
    batch_facts.remember(LAST_MESSAGE, {user_id: found.get(user_id) for user_id in zalo_user_ids})
