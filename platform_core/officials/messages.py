"""What an official reads on Zalo (in Vietnamese): a notice with its "Đã nhận" button, the same for a secret
document without any of its content, and the daily digest. Composed messages (delivery/composed.py)."""

from datetime import datetime

from flask_babel import force_locale

from platform_core.clock import VIETNAM
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.officials.constants import (
    KIND_LABELS,
    SECRECY_NONE,
    URGENCY_EXPRESS,
    URGENCY_NORMAL,
    URGENCY_URGENT,
    URGENCY_VERY_URGENT,
)
from platform_core.officials.models import InternalNotice

ACK_PREFIX = "XN"  # what the button writes back: "XN K7P2QD"
ACK_LABEL = "Đã nhận"
URGENCY_TAGS = {URGENCY_URGENT: "KHẨN", URGENCY_VERY_URGENT: "THƯỢNG KHẨN", URGENCY_EXPRESS: "HỎA TỐC"}


def ack_reply(notice: InternalNotice) -> str:
    return f"{ACK_PREFIX} {notice.ack_code}"


def kind_label(kind: str) -> str:
    with force_locale("vi"):
        return str(KIND_LABELS.get(kind, kind))


def local(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def notice_message(notice: InternalNotice, secret_count: int) -> ComposedMessage:
    """The message for one sending of `notice` (its send_count-th). `secret_count` is how many secret
    documents the official has open, this one included; it is the only thing a secret notice says."""
    reminder = f"Nhắc lại lần {notice.send_count - 1}. " if notice.send_count > 1 else ""
    button = ComposedButton(ACK_LABEL, reply=ack_reply(notice), spell_out=True)
    if notice.secrecy != SECRECY_NONE:
        return ComposedMessage(header="Văn bản mật",
                               text=f"{reminder}Anh/chị có {secret_count} văn bản mật cần xử lý.",
                               code_label="Mã xác nhận", code=notice.ack_code, buttons=(button,))
    tag = f"[{URGENCY_TAGS[notice.urgency]}] " if notice.urgency != URGENCY_NORMAL else ""
    lines = [f"{reminder}{tag}{notice.title}"]
    if notice.body:
        lines.append(notice.body)
    if notice.starts_at:
        lines.append(f"Thời gian: {local(notice.starts_at)}")
    if notice.location:
        lines.append(f"Địa điểm: {notice.location}")
    if notice.due_at:
        lines.append(f"Hạn xử lý: {local(notice.due_at)}")
    return ComposedMessage(header=kind_label(notice.kind), text="\n".join(lines), code_label="Mã xác nhận",
                           code=notice.ack_code, buttons=(button,))


def digest_message(day: str, open_by_kind: dict[str, int], meetings_today: int, near_deadline: int) -> ComposedMessage:
    lines = [f"{kind_label(kind)}: {count}" for kind, count in open_by_kind.items()]
    lines += [f"Cuộc họp hôm nay: {meetings_today}", f"Sắp đến hạn (24 giờ tới): {near_deadline}"]
    return ComposedMessage(header=f"Tổng hợp ngày {day}",
                           text="Việc chưa xác nhận đã nhận:\n" + "\n".join(lines))
