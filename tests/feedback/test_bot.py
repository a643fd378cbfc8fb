"""Feedback on Zalo, end to end through the signed webhook and event processing: "phản ánh …" (with or
without diacritics), no content, more information, reactions to the answer, progress, images."""

import pytest
from sqlalchemy import func, select

from platform_core.delivery.models import Notification
from platform_core.extensions import db
from platform_core.feedback import service
from platform_core.feedback.bot import find_code, leading_words, without_code
from platform_core.feedback.constants import CHANNEL_ZALO, SUPPLEMENTED
from platform_core.feedback.models import Feedback, FeedbackAttachment
from platform_core.zalo import jobs
from platform_core.zalo.models import ZaloEvent
from tests.bot.test_bot_webhook import deliver
from tests.conftest import as_tenant
from tests.feedback.conftest import CITIZEN, CONTENT, messages_to, reloaded, zalo_feedback
from tests.zalo.conftest import now_ms, user_text

pytestmark = pytest.mark.usefixtures("connected_a")


def write(client, tenant, text: str, msg_id: str) -> ZaloEvent:
    return process(client, tenant, user_text(text, user_id=CITIZEN, msg_id=msg_id))


def process(client, tenant, body: dict) -> ZaloEvent:
    deliver(client, body)
    with as_tenant(tenant):
        event = db.session.scalar(select(ZaloEvent).where(ZaloEvent.event_key.contains(body["message"]["msg_id"])))
        jobs.process_event(str(event.id))
        db.session.refresh(event)
        return event


def bot_replies(tenant) -> list[str]:
    with as_tenant(tenant):
        return [n.context["text"] for n in db.session.scalars(
            select(Notification).where(Notification.event_kind == "bot_reply").order_by(Notification.created_at))]


def stored(tenant) -> list[Feedback]:
    with as_tenant(tenant):
        return db.session.scalars(select(Feedback)).all()


@pytest.mark.parametrize("text", [f"Phản ánh: {CONTENT}", f"phan anh {CONTENT}", f"KIẾN NGHỊ - {CONTENT}",
                                  f"kien nghi:{CONTENT}", f"Phản ảnh {CONTENT}"])
def test_writing_to_the_oa_files_a_feedback_and_acknowledges_it(client, tenant_a, text):
    event = write(client, tenant_a, text, "fb-1")
    assert event.status == "processed"
    [feedback] = stored(tenant_a)
    assert (feedback.channel, feedback.zalo_user_id, feedback.content) == (CHANNEL_ZALO, CITIZEN, CONTENT)
    [ack] = messages_to(tenant_a)
    assert ack["code"] == feedback.code
    assert "sẽ trả lời chậm nhất ngày" in ack["text"]
    assert bot_replies(tenant_a) == []  # the acknowledgement is the reply


@pytest.mark.parametrize("text", ["phản ánh", "Phan anh:", "kiến nghị  ", "phản ánh ngắn"])
def test_a_feedback_without_content_is_answered_with_what_to_write_and_not_stored(client, tenant_a, text):
    write(client, tenant_a, text, "fb-2")
    assert stored(tenant_a) == []
    [reply] = bot_replies(tenant_a)
    assert reply.startswith("Xin ghi rõ nội dung phản ánh, kiến nghị")


def test_more_information_is_taken_from_the_citizens_reply(client, tenant_a, officer):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        service.act(feedback, "request_supplement", officer, note="Tên cán bộ tiếp nhận.")
        db.session.flush()
    write(client, tenant_a, "Bổ sung: cán bộ tiếp nhận là anh Nguyễn Văn B, ngày 28/10.", "fb-3")
    assert reloaded(tenant_a, feedback).status == SUPPLEMENTED
    [reply] = bot_replies(tenant_a)
    assert reply.startswith(f"Đã nhận thông tin bổ sung cho phản ánh {feedback.code}")
    with as_tenant(tenant_a):
        assert service.history(feedback)[-1].note == "cán bộ tiếp nhận là anh Nguyễn Văn B, ngày 28/10."


def test_bo_sung_without_a_feedback_waiting_is_left_to_the_other_commands(client, tenant_a):
    write(client, tenant_a, "bổ sung hồ sơ thế nào?", "fb-4")
    [reply] = bot_replies(tenant_a)  # the lookup bot's answer
    assert stored(tenant_a) == [] and not reply.startswith(("Không tìm thấy phản ánh", "Đã nhận thông tin bổ sung"))


@pytest.mark.parametrize(("text", "reaction"), [("Hài lòng {code}", "like"), ("Không hài lòng {code}", "dislike"),
                                                ("khong hai long {code}", "dislike")])
def test_the_answers_buttons_record_the_reaction(client, tenant_a, officer, text, reaction):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        service.act(feedback, "accept", officer)
        service.act(feedback, "classify", officer, category="other")
        service.act(feedback, "answer", officer, answer="Đã xử lý.")
        db.session.flush()
    write(client, tenant_a, text.format(code=feedback.code), "fb-5")
    assert reloaded(tenant_a, feedback).reaction == reaction
    assert bot_replies(tenant_a) == [f"Cảm ơn Ông/Bà đã cho biết ý kiến về câu trả lời phản ánh {feedback.code}."]


def test_a_reaction_before_the_answer_is_refused(client, tenant_a):
    feedback = zalo_feedback(tenant_a)
    write(client, tenant_a, f"Hài lòng {feedback.code}", "fb-6")
    assert reloaded(tenant_a, feedback).reaction is None
    assert bot_replies(tenant_a) == [f"Phản ánh {feedback.code} chưa được trả lời, nên chưa thể đánh giá."]


def test_a_code_alone_asks_for_progress_of_ones_own_feedback_only(client, tenant_a):
    mine = zalo_feedback(tenant_a).code
    someone_elses = zalo_feedback(tenant_a, zalo_user_id="8000099").code
    write(client, tenant_a, mine.lower().replace("-", " "), "fb-7")
    write(client, tenant_a, someone_elses, "fb-8")
    progress, refused = bot_replies(tenant_a)
    assert progress == f"Phản ánh {mine}: Mới đăng ký. Hạn xử lý bước này: 04/11/2026."
    assert refused == f"Không tìm thấy phản ánh {someone_elses} của Ông/Bà. Xin kiểm tra lại mã phản ánh."


def test_parsing_helpers():
    assert leading_words("  Phản ánh:  nội dung") == (("phan", "anh"), "nội dung")
    assert leading_words("một") is None
    assert find_code("hài lòng pa 2611 0042") == "PA-2611-0042"
    assert find_code("hồ sơ 000.00.24.H04-251128-0001") is None
    assert without_code("PA-2611-0042 thêm ảnh") == "thêm ảnh"


# --- images ---------------------------------------------------------------------------------------------------

def image_event(sandbox, *names: str, msg_id: str) -> dict:
    attachments = [{"type": "image", "payload": {"url": f"{sandbox.base_url}/cdn/{name}",
                                                 "thumbnail": f"{sandbox.base_url}/cdn/{name}"}} for name in names]
    return {"app_id": "1001001", "sender": {"id": CITIZEN}, "recipient": {"id": "3003001"},
            "event_name": "user_send_image", "message": {"text": "", "msg_id": msg_id, "attachments": attachments},
            "timestamp": now_ms()}


def attachments_of(tenant) -> list[FeedbackAttachment]:
    with as_tenant(tenant):
        return db.session.scalars(select(FeedbackAttachment)).all()


def test_images_right_after_a_feedback_are_attached(client, tenant_a, sandbox):
    write(client, tenant_a, f"phản ánh {CONTENT}", "img-0")
    process(client, tenant_a, image_event(sandbox, "anh.jpg", "anh.png", "anh.webp", msg_id="img-1"))
    [feedback] = stored(tenant_a)
    assert sorted(a.content_type for a in attachments_of(tenant_a)) == ["image/jpeg", "image/png", "image/webp"]
    assert bot_replies(tenant_a) == [f"Đã nhận 3 ảnh cho phản ánh {feedback.code}."]


def test_files_that_are_not_images_or_too_large_are_refused_with_a_message(client, tenant_a, sandbox):
    write(client, tenant_a, f"phản ánh {CONTENT}", "img-2")
    process(client, tenant_a, image_event(sandbox, "giay-to.pdf", "anh-lon.jpg", "khong-co.jpg", "anh.png",
                                          msg_id="img-3"))
    [attachment] = attachments_of(tenant_a)
    assert attachment.content_type == "image/png" and attachment.size_bytes == len(attachment.data)
    [reply] = bot_replies(tenant_a)
    assert reply.startswith("Đã nhận 1 ảnh") and "Không nhận 3 ảnh" in reply
    assert "chỉ nhận ảnh JPEG, PNG hoặc WebP" in reply and "ảnh lớn hơn 5 MB" in reply


def test_images_from_elsewhere_are_not_fetched(client, tenant_a, sandbox):
    write(client, tenant_a, f"phản ánh {CONTENT}", "img-4")
    body = image_event(sandbox, "anh.jpg", msg_id="img-5")
    body["message"]["attachments"][0]["payload"]["url"] = "http://169.254.169.254/latest/meta-data"
    process(client, tenant_a, body)
    assert attachments_of(tenant_a) == []
    assert "đường dẫn ảnh không hợp lệ" in bot_replies(tenant_a)[0]


def test_an_image_with_no_feedback_waiting_is_only_recorded(client, tenant_a, sandbox):
    event = process(client, tenant_a, image_event(sandbox, "anh.jpg", msg_id="img-6"))
    assert event.status == "recorded"
    assert attachments_of(tenant_a) == [] and bot_replies(tenant_a) == []
    with as_tenant(tenant_a):
        assert db.session.scalar(select(func.count()).select_from(Feedback)) == 0


def test_bo_sung_with_nothing_after_it_asks_for_the_information(client, tenant_a, officer):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        service.act(feedback, "request_supplement", officer, note="Tên cán bộ tiếp nhận.")
        db.session.flush()
    write(client, tenant_a, f"bổ sung {feedback.code}", "fb-9")
    assert reloaded(tenant_a, feedback).status == "supplement"
    assert bot_replies(tenant_a) == ["Xin ghi thông tin bổ sung (ít nhất 10 ký tự) ngay sau chữ “bổ sung”."]
