"""Officials on Zalo: the "Đã nhận" button writes "XN <code>" back to the OA, which acknowledges the notice;
a message of a notice seen on Zalo marks it read."""

import re

from sqlalchemy import select

from platform_core.bot.commands import CitizenMessage, register_command
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.officials import service
from platform_core.officials.constants import EVENT_KIND
from platform_core.officials.messages import ACK_PREFIX
from platform_core.zalo.events import on_receipt
from platform_core.zalo.models import MessageReceipt

_ACK_IN_TEXT = re.compile(rf"^\s*{ACK_PREFIX}\s*[-:]?\s*([A-Z0-9]{{6}})\s*[.!]?\s*$", re.IGNORECASE)


def answer_acknowledgement(message: CitizenMessage) -> str | None:
    match = _ACK_IN_TEXT.match(message.text)
    if match is None:
        return None
    code = match.group(1).upper()
    notice = service.find_by_ack_code(code)
    if notice is None or message.follower.staff_user_id != notice.user_id:
        return (f"Không tìm thấy thông báo có mã {code} dành cho tài khoản Zalo này. Nếu anh/chị là cán bộ nhận "
                "thông báo, vui lòng liên kết tài khoản Zalo trong Motcua rồi bấm lại nút “Đã nhận”.")
    if not service.acknowledge(notice, utcnow()):
        return f"Thông báo mã {code} đã được xác nhận trước đó. Cảm ơn anh/chị."
    return f"Đã ghi nhận: anh/chị đã nhận thông báo mã {code}. Hệ thống sẽ không nhắc lại thông báo này."


def mark_seen_notices_read(receipt: MessageReceipt) -> None:
    """Zalo's "seen" receipt of a notice's message reads the notice. (A receipt that arrives before the worker
    recorded the message id is applied to the delivery later, but does not read the notice.)"""
    if receipt.seen_at is None:
        return
    keys = db.session.scalars(select(Notification.idempotency_key).join(
        Delivery, (Delivery.notification_id == Notification.id) & (Delivery.tenant_id == Notification.tenant_id))
        .where(Delivery.provider_message_id == receipt.message_id, Notification.event_kind == EVENT_KIND))
    for key in keys:
        service.mark_read(key.split(":")[1], receipt.seen_at)


register_command("official_notice_ack", answer_acknowledgement, order=20)
on_receipt(mark_seen_notices_read)
