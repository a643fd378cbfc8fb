"""What an official reads on Zalo (in Vietnamese): a notice with its "Đã nhận" button, the same for a secret
document without any of its content, and the daily digest. Composed messages (delivery/composed.py)."""

from datetime import datetime

from flask_babel import force_locale

from platform_core import mail
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
OPEN_LABEL = "Mở trang xử lý"  # the button of a notice with a link (the platform's own notices)
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
    buttons = (ComposedButton(OPEN_LABEL, url=notice.link_url), button) if notice.link_url else (button,)
    return ComposedMessage(header=kind_label(notice.kind), text="\n".join(lines), code_label="Mã xác nhận",
                           code=notice.ack_code, buttons=buttons)


def digest_message(day: str, open_by_kind: dict[str, int], meetings_today: int, near_deadline: int) -> ComposedMessage:
    lines = [f"{kind_label(kind)}: {count}" for kind, count in open_by_kind.items()]
    lines += [f"Cuộc họp hôm nay: {meetings_today}", f"Sắp đến hạn (24 giờ tới): {near_deadline}"]
    return ComposedMessage(header=f"Tổng hợp ngày {day}",
                           text="Việc chưa xác nhận đã nhận:\n" + "\n".join(lines))


def notice_email(notice: InternalNotice, name: str, address: str, sender: str):
    """A platform notice with a link (officials/team_notices.py) as an e-mail, in Vietnamese as on Zalo."""
    paragraphs = [f"Kính gửi anh/chị {name},", notice.title]
    if notice.body:
        paragraphs.append(notice.body)
    closing = ["Nếu anh/chị đã liên kết tài khoản Zalo với Motcua, thông báo này cũng được gửi đến Zalo của anh/chị.",
               "Motcua: thông báo về thủ tục hành chính cho các tỉnh, thành phố của Việt Nam."]
    return mail.compose(address, f"[Motcua] {notice.title}", paragraphs, notice.link_url, OPEN_LABEL, sender,
                        closing=closing)
