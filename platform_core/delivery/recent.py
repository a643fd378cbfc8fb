"""The last message the province sent a citizen: what a short answer ("có", "5", "hài lòng") replies to.

A citizen answers what they were just asked, so the bot reads the newest message written to them (any kind:
a bot reply in between means the question is no longer the last thing they read)."""

from datetime import datetime, timedelta

from sqlalchemy import select

from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db

ANSWER_WINDOW = timedelta(hours=24)  # a question older than this is not "just asked"


def last_message_to(zalo_user_id: str, now: datetime) -> Notification | None:
    """The newest notification written to this Zalo user within ANSWER_WINDOW, or None."""
    statement = (
        select(Notification)
        .join(Delivery, (Delivery.tenant_id == Notification.tenant_id) & (Delivery.notification_id == Notification.id))
        .where(Delivery.recipient_zalo_user_id == zalo_user_id, Notification.created_at > now - ANSWER_WINDOW)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(1)
    )
    return db.session.scalar(statement)
