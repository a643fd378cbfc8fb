"""The setup wizard's connectivity check: a test message to the admin's own linked Zalo account, sent through
the real pipeline (outbox -> pump -> worker -> Zalo) like any citizen's notice, so that a success proves the
whole chain works. SetupProgress.test_notification_id remembers the latest one for the step and the go-live
checklist."""

import uuid

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.db.tenant_context import require_tenant
from platform_core.delivery.constants import DELIVERED, FAILED, PENDING, SEEN, SENDING, SENT, ZNS
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.outbox import send_reply
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.onboarding import wizard
from platform_core.tenancy.models import Tenant
from platform_core.zalo import staff_link
from platform_core.zalo.errors import Family, classify

SUCCEEDED = {SENT, DELIVERED, SEEN}  # Zalo accepted it; a receipt may follow
STATE_LABELS = {
    PENDING: _l("Waiting to be sent"),
    SENDING: _l("Sending"),
    SENT: _l("Sent: Zalo accepted it"),
    DELIVERED: _l("Delivered to your phone"),
    SEEN: _l("Seen on your phone"),
    FAILED: _l("Failed"),
}


class NotLinked(FieldError):
    """The admin has no linked Zalo account to send the test to."""


def send(user) -> Notification:
    """Queue the test message to `user`'s linked Zalo account (tenant in context); the caller commits."""
    follower = staff_link.linked_follower(user)
    if follower is None:
        raise NotLinked("zalo", _l("Link your Zalo account first."))
    tenant = db.session.get(Tenant, require_tenant().id)
    with force_locale("vi"):  # what a Zalo user reads is always Vietnamese
        text = gettext("Test message from Motcua: %(province)s's Zalo OA is connected and can message you.",
                       province=tenant.name)
    notification = send_reply(follower.zalo_user_id, text, idempotency_key=f"test-message:{uuid.uuid4().hex}",
                              reason="setup test message to the admin's own Zalo")
    wizard.progress().test_notification_id = notification.id
    record_event("test_message_sent", actor=user, target=notification,
                 details={"zalo_user_id": follower.zalo_user_id})
    db.session.flush()
    return notification


def latest_delivery() -> Delivery | None:
    notification_id = wizard.progress().test_notification_id
    if notification_id is None:
        return None
    return db.session.scalar(select(Delivery).where(Delivery.notification_id == notification_id))


def succeeded(delivery: Delivery | None) -> bool:
    return delivery is not None and delivery.state in SUCCEEDED


def plain_reason(delivery: Delivery, locale: str) -> str | None:
    """Why it failed (or is waiting to be tried again), in the reader's language: Zalo's code explained, or the
    pipeline's own reason (stored as an English msgid)."""
    if delivery.error_code is not None:
        family = Family.ZNS if delivery.channel == ZNS else Family.OA
        info = classify(family, delivery.error_code)
        return info.vi if locale.startswith("vi") else info.en
    return gettext(delivery.error_message) if delivery.error_message else None


def describe(delivery: Delivery | None, locale: str) -> dict | None:
    """The delivery as the page and its status endpoint show it."""
    if delivery is None:
        return None
    return {"state": delivery.state, "label": str(STATE_LABELS[delivery.state]),
            "reason": plain_reason(delivery, locale)}
