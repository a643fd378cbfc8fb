"""The feedback side of the bot: "phản ánh …" / "kiến nghị …" files a feedback, "bổ sung …" adds the
information an officer asked for, "Hài lòng PA-…" / "Không hài lòng PA-…" (the answer's buttons) react to
the answer, a feedback code alone asks for its progress (Decree 20/2008 Art. 12), and images sent right after a
feedback are attached to it. A citizen only ever reaches their own feedback (by their OA-scoped Zalo id).

Registered before the other commands: "Hài lòng PA-2611-0042" must not be read as a rating or a dossier code.
"""

import re
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from platform_core.bot.commands import HANDLED, CitizenMessage
from platform_core.clock import vn_date
from platform_core.delivery.outbox import send_reply
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.feedback import deadlines, service
from platform_core.feedback.attachments import AttachmentRefused, download
from platform_core.feedback.constants import (
    ATTACH_WINDOW_MINUTES,
    CHANNEL_ZALO,
    DISLIKE,
    LIKE,
    MIN_CONTENT_CHARS,
    OPEN_STATES,
    STATUS_LABELS,
    SUPPLEMENT_REQUESTED,
)
from platform_core.feedback.models import Feedback
from platform_core.text import fold
from platform_core.zalo.constants import EVENT_PROCESSED, EVENT_RECORDED
from platform_core.zalo.events import event_time, touch_interaction
from platform_core.zalo.models import ZaloEvent

SUBMIT_WORDS = {("phan", "anh"), ("kien", "nghi")}
SUPPLEMENT_WORDS = ("bo", "sung")
DISLIKE_PREFIXES, LIKE_PREFIXES = ("khong hai long", "khong thich", "dislike"), ("hai long", "thich", "like")
_LEADING_WORDS = re.compile(r"\s*(\S+)\s+([^\s:,.\-–—]+)")
_SEPARATORS = " \t\r\n:,.-–—"
_CODE = re.compile(r"\bpa[\s.\-]?(\d{4})[\s.\-]?(\d{4,6})\b")

NO_CONTENT = ("Xin ghi rõ nội dung phản ánh, kiến nghị (ít nhất {count} ký tự) ngay sau chữ “phản ánh”, ví dụ: "
              "“phản ánh Bộ phận một cửa xã hẹn trả kết quả trễ 5 ngày”.")
NO_INFORMATION = "Xin ghi thông tin bổ sung (ít nhất {count} ký tự) ngay sau chữ “bổ sung”."
SUPPLEMENT_THANKS = ("Đã nhận thông tin bổ sung cho phản ánh {code}. Cơ quan sẽ xem xét và trả lời chậm nhất ngày "
                     "{deadline}.")
NOT_YOURS = "Không tìm thấy phản ánh {code} của Ông/Bà. Xin kiểm tra lại mã phản ánh."
REACTION_THANKS = "Cảm ơn Ông/Bà đã cho biết ý kiến về câu trả lời phản ánh {code}."
NOT_ANSWERED = "Phản ánh {code} chưa được trả lời, nên chưa thể đánh giá."
NOT_AWAITING = "Phản ánh {code} không ở trạng thái chờ bổ sung thông tin."


def leading_words(text: str) -> tuple[tuple[str, str], str] | None:
    """The first two words (folded) and what follows them, as typed."""
    match = _LEADING_WORDS.match(text or "")
    if match is None:
        return None
    return (fold(match[1]), fold(match[2])), text[match.end():].lstrip(_SEPARATORS).rstrip()


def find_code(text: str) -> str | None:
    match = _CODE.search(fold(text or ""))
    return f"PA-{match[1]}-{match[2]}" if match else None


def without_code(text: str) -> str:
    folded = fold(text)
    match = _CODE.search(folded)
    if match is None:
        return text.lstrip(_SEPARATORS).rstrip()
    # fold() keeps letters and digits one for one only for plain ASCII codes; cut the typed code out by value.
    typed = re.compile(r"p\s*a[\s.\-]*" + match[1] + r"[\s.\-]*" + match[2], re.IGNORECASE)
    return typed.sub(" ", text, count=1).lstrip(_SEPARATORS).rstrip()


def answer(message: CitizenMessage) -> str | None:
    words = leading_words(message.text)
    if words is not None and words[0] in SUBMIT_WORDS:
        return _submit(message, words[1])
    code = find_code(message.text)
    if words is not None and words[0] == SUPPLEMENT_WORDS:
        return _supplement(message, code, without_code(words[1]))
    if code is None:
        return None
    folded = fold(message.text)
    for prefixes, reaction in ((DISLIKE_PREFIXES, DISLIKE), (LIKE_PREFIXES, LIKE)):
        if folded.startswith(prefixes):
            return _react(message, code, reaction)
    if not without_code(message.text).strip(_SEPARATORS):
        return _progress(message, code)
    return None


def _submit(message: CitizenMessage, content: str) -> str:
    follower = message.follower
    try:
        service.submit(CHANNEL_ZALO, content, name=follower.display_name, phone=follower.phone_e164,
                       zalo_user_id=message.zalo_user_id)
    except FieldError:
        return NO_CONTENT.format(count=MIN_CONTENT_CHARS)
    return HANDLED  # the acknowledgement (code and deadline) is the reply


def _own(message: CitizenMessage, code: str) -> Feedback | None:
    feedback = service.find_by_code(code)
    return feedback if feedback is not None and feedback.zalo_user_id == message.zalo_user_id else None


def _supplement(message: CitizenMessage, code: str | None, text: str) -> str | None:
    feedback = _own(message, code) if code else _awaiting_information(message.zalo_user_id)
    if feedback is None:
        return NOT_YOURS.format(code=code) if code else None  # "bổ sung hồ sơ …" is the dossier bot's
    if feedback.status != SUPPLEMENT_REQUESTED:
        return NOT_AWAITING.format(code=feedback.code)
    try:
        service.add_information(feedback, text)
    except FieldError:
        return NO_INFORMATION.format(count=MIN_CONTENT_CHARS)
    return SUPPLEMENT_THANKS.format(code=feedback.code, deadline=vn_date(feedback.deadline_answer_at))


def _awaiting_information(zalo_user_id: str) -> Feedback | None:
    return db.session.scalar(select(Feedback).where(Feedback.zalo_user_id == zalo_user_id,
                                                    Feedback.status == SUPPLEMENT_REQUESTED)
                             .order_by(Feedback.received_at.desc()).limit(1))


def _react(message: CitizenMessage, code: str, reaction: str) -> str:
    feedback = _own(message, code)
    if feedback is None:
        return NOT_YOURS.format(code=code)
    try:
        service.react(feedback, reaction)
    except FieldError:
        return NOT_ANSWERED.format(code=code)
    return REACTION_THANKS.format(code=code)


def _progress(message: CitizenMessage, code: str) -> str:
    feedback = _own(message, code)
    if feedback is None:
        return NOT_YOURS.format(code=code)
    with force_locale("vi"):
        status = str(STATUS_LABELS.get(feedback.status, feedback.status))
    deadline = deadlines.current_deadline(feedback)
    due = f" Hạn xử lý bước này: {vn_date(deadline)}." if deadline else ""
    answer_text = f"\nTrả lời: {feedback.answer}" if feedback.answer else ""
    return f"Phản ánh {feedback.code}: {status}.{due}{answer_text}"


# --- images -------------------------------------------------------------------------------------------------

def on_image(event: ZaloEvent, body: dict) -> str:
    """Images right after a feedback (or while information is requested) join it; others wait as messages."""
    touch_interaction(event, body)
    feedback = _feedback_for_images(event.zalo_user_id, event_time(body))
    if feedback is None:
        return EVENT_RECORDED
    urls = [(item.get("payload") or {}).get("url") for item in (body.get("message") or {}).get("attachments") or []
            if item.get("type") == "image"]
    kept, refused = 0, []
    for url in filter(None, urls):
        try:
            service.attach_image(feedback, download(url), source_url=url)
            kept += 1
        except AttachmentRefused as refusal:
            refused.append(refusal.reason)
    send_reply(event.zalo_user_id, _images_reply(feedback, kept, refused), idempotency_key=f"bot:{event.event_key}")
    return EVENT_PROCESSED


def _feedback_for_images(zalo_user_id: str, at: datetime) -> Feedback | None:
    recent = at - timedelta(minutes=ATTACH_WINDOW_MINUTES)
    return _awaiting_information(zalo_user_id) or db.session.scalar(
        select(Feedback).where(Feedback.zalo_user_id == zalo_user_id, Feedback.status.in_(OPEN_STATES),
                               Feedback.received_at >= recent)
        .order_by(Feedback.received_at.desc()).limit(1))


def _images_reply(feedback: Feedback, kept: int, refused: list[str]) -> str:
    parts = [f"Đã nhận {kept} ảnh cho phản ánh {feedback.code}."] if kept else []
    if refused:
        parts.append(f"Không nhận {len(refused)} ảnh: {'; '.join(dict.fromkeys(refused))}.")
    return " ".join(parts) or f"Không có ảnh nào được nhận cho phản ánh {feedback.code}."

