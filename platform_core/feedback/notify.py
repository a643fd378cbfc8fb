"""What the citizen is told on Zalo at each step that concerns them, and the escalation to administrators.

Messages are composed (delivery/composed.py) and written to the outbox in the caller's transaction; the
sender picks a consultation message or a transaction card. A feedback without a Zalo user id (a web or
counter submission from someone the OA does not know by phone) gets no message: the web page showed its code.
"""

from dataclasses import replace

from sqlalchemy import select

from platform_core.auth.constants import ROLE_ADMIN
from platform_core.auth.models import Membership
from platform_core.bot.lookup import desk
from platform_core.clock import vn_date
from platform_core.db.tenant_context import require_tenant
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.delivery.outbox import send_composed
from platform_core.extensions import db
from platform_core.feedback.constants import (
    ACCEPT,
    ANSWER,
    FORWARD,
    PUBLISH,
    REJECT,
    REQUEST_SUPPLEMENT,
    SUBMIT,
)
from platform_core.feedback.models import Feedback, FeedbackEvent
from platform_core.text import capitalized
from platform_core.zalo.models import Follower

CODE_LABEL = "Mã phản ánh"
EVENT_KIND = "feedback"
LIKE_WORDS, DISLIKE_WORDS = "Hài lòng", "Không hài lòng"


def _acknowledgement(feedback: Feedback, event: FeedbackEvent) -> ComposedMessage:
    images = " Ông/Bà có thể gửi kèm ảnh (JPEG, PNG, WebP) ngay sau tin nhắn này." \
        if feedback.zalo_user_id and feedback.channel == "zalo_chat" else ""
    return ComposedMessage(
        header="Đã nhận phản ánh, kiến nghị",
        text=(f"{capitalized(desk().place)} đã nhận phản ánh, kiến nghị của Ông/Bà và sẽ trả lời chậm nhất ngày "
              f"{vn_date(feedback.deadline_answer_at)}.{images} Gửi mã phản ánh cho OA để hỏi tiến độ."),
        status="Đã gửi")


def _accepted(feedback: Feedback, event: FeedbackEvent) -> ComposedMessage:
    return ComposedMessage(
        header="Phản ánh, kiến nghị đã được tiếp nhận",
        text=f"Phản ánh, kiến nghị đã được tiếp nhận xử lý. Hạn trả lời: {vn_date(feedback.deadline_answer_at)}.",
        status="Đã tiếp nhận")


def _rejected(feedback: Feedback, event: FeedbackEvent) -> ComposedMessage:
    return ComposedMessage(
        header="Phản ánh, kiến nghị không được tiếp nhận",
        text=f"Phản ánh, kiến nghị không được tiếp nhận. Lý do: {event.note}", status="Không tiếp nhận",
        status_colour="red")


def _supplement_requested(feedback: Feedback, event: FeedbackEvent) -> ComposedMessage:
    return ComposedMessage(
        header="Cần bổ sung thông tin",
        text=(f"Để xử lý phản ánh, kiến nghị, xin Ông/Bà bổ sung: {event.note}\n"
              f"Trả lời OA: “bổ sung {feedback.code} <nội dung>”, có thể kèm ảnh."),
        status="Chờ bổ sung", status_colour="yellow")


def _forwarded(feedback: Feedback, event: FeedbackEvent) -> ComposedMessage:
    return ComposedMessage(
        header="Phản ánh, kiến nghị đã được chuyển",
        text=f"Phản ánh, kiến nghị đã được chuyển đến {feedback.forwarded_to} để xem xét, trả lời theo thẩm quyền.",
        status="Đã chuyển")


def _answered(feedback: Feedback, event: FeedbackEvent) -> ComposedMessage:
    return ComposedMessage(
        header="Trả lời phản ánh, kiến nghị",
        text=f"{feedback.answer}\nÔng/Bà có hài lòng với câu trả lời này không?",
        status="Đã trả lời", status_colour="green",
        buttons=(ComposedButton(LIKE_WORDS, reply=f"{LIKE_WORDS} {feedback.code}", means_yes=True),
                 ComposedButton(DISLIKE_WORDS, reply=f"{DISLIKE_WORDS} {feedback.code}")))


def _published(feedback: Feedback, event: FeedbackEvent) -> ComposedMessage:
    return ComposedMessage(
        header="Kết quả đã được công khai",
        text="Kết quả xử lý phản ánh, kiến nghị của Ông/Bà đã được công khai.", status="Đã công khai",
        status_colour="green")


MESSAGES = {SUBMIT: _acknowledgement, ACCEPT: _accepted, REJECT: _rejected, REQUEST_SUPPLEMENT: _supplement_requested,
            FORWARD: _forwarded, ANSWER: _answered, PUBLISH: _published}


def tell_citizen(feedback: Feedback, event: FeedbackEvent) -> bool:
    """Send the message for `event` if it concerns the citizen and they can be reached; True if one was sent."""
    compose = MESSAGES.get(event.action)
    if compose is None or not feedback.zalo_user_id:
        return False
    message = compose(feedback, event)
    message = replace(message, code_label=CODE_LABEL, code=feedback.code)
    send_composed(message, event_kind=EVENT_KIND, idempotency_key=f"feedback:{feedback.id}:{event.seq}",
                  zalo_user_id=feedback.zalo_user_id)
    event.notified_citizen = True
    return True


def admin_zalo_accounts() -> list[str]:
    """The Zalo user ids the province's administrators linked (zalo/staff_link.py)."""
    admins = select(Membership.user_id).where(Membership.tenant_id == require_tenant().id,
                                              Membership.role == ROLE_ADMIN)
    return list(db.session.scalars(select(Follower.zalo_user_id).where(Follower.staff_user_id.in_(admins))))


def escalate_to_admins(feedback: Feedback, deadline_text: str, admin_accounts: list[str]) -> int:
    """A message to each administrator's linked Zalo account (`admin_zalo_accounts`); returns how many."""
    message = ComposedMessage(
        header="Phản ánh, kiến nghị quá hạn",
        text=f"Phản ánh, kiến nghị {feedback.code} đã quá hạn xử lý ({deadline_text}). Xin xem và chỉ đạo xử lý.",
        code_label=CODE_LABEL, code=feedback.code, status="Quá hạn", status_colour="red")
    for user_id in admin_accounts:
        send_composed(message, event_kind="feedback_overdue", zalo_user_id=user_id,
                      idempotency_key=f"feedback-overdue:{feedback.id}:{deadline_text}:{user_id}")
    return len(admin_accounts)
