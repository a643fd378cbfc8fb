"""Officials on Zalo: the "Đã nhận" button writes "XN <code>" back to the OA, which acknowledges the notice;
a message of a notice seen on Zalo marks it read."""

import re

from platform_core.bot.commands import CitizenMessage
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery
from platform_core.officials import service
from platform_core.officials.constants import EVENT_KIND
from platform_core.officials.messages import ACK_PREFIX

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


def mark_notice_read(delivery: Delivery) -> None:
    """A notice's message seen on Zalo reads the notice (whichever came first, the receipt or our send)."""
    notification = delivery.notification
    if notification.event_kind == EVENT_KIND:
        service.mark_read(service.notice_id_of(notification.idempotency_key), delivery.seen_at)

