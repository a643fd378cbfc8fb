"""Outbox rows for pipeline tests, written as the outbox writes them (inside the tenant)."""

from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.delivery.constants import CLASS_TX, CS
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db


def queue_replies(tenant, count: int, user_id: str = "u-1", message_class: str = CLASS_TX, prefix: str = "t"):
    """`count` consultation replies to `user_id`, due now. Returns the delivery ids."""
    ids = []
    with tenant_context(TenantRef(tenant.id, tenant.slug)):
        for n in range(count):
            notification = Notification(event_kind="bot_reply", message_class=message_class,
                                        idempotency_key=f"{prefix}-{tenant.slug}-{n}", context={"text": f"Tin {n}"})
            db.session.add(notification)
            db.session.flush()
            delivery = Delivery(notification_id=notification.id, recipient_zalo_user_id=user_id, channel=CS,
                                channel_reason="test", message_class=message_class)
            db.session.add(delivery)
            db.session.flush()
            ids.append(delivery.id)
    return ids
