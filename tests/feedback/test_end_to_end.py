"""End to end over real HTTP, Redis, an RQ worker, the delivery pump and the Zalo sandbox: a citizen writes a
feedback to the OA and sends a photo; the acknowledgement with the code reaches their sandbox phone; an officer
answers it in the console; the citizen receives the answer and taps "Hài lòng"."""

import httpx
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.feedback.models import Feedback, FeedbackAttachment
from tests import factories
from tests.auth.support import add_membership
from tests.pipeline.fixtures import db_session, stack  # noqa: F401 - fixtures
from tests.pipeline.stack import add_province

CONTENT = "Đường vào UBND xã Tiên Du bị ngập, người dân không vào nộp hồ sơ được."
ANSWER = "UBND xã đã bố trí lối đi tạm và tiếp nhận hồ sơ trực tuyến trong thời gian sửa đường."


def read(stack, query):  # noqa: F811
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        try:
            return query()
        finally:
            db.session.remove()


def the_feedback(stack) -> Feedback | None:  # noqa: F811
    return read(stack, lambda: db.session.scalar(select(Feedback)))


def texts_on_phone(zalo_sandbox, province, citizen) -> list[str]:
    return [str(message["body"]) for message in zalo_sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])]


def add_officer(stack, tenant_slug: str) -> str:  # noqa: F811
    with stack.app.app_context():
        user = factories.create_user("can-bo-pakn@bacninh.gov.vn", full_name="Lê Thị Tiếp Nhận")
        add_membership(user, factories.tenant_by_slug(tenant_slug), "officer")
        db.session.commit()
        db.session.remove()
    return "can-bo-pakn@bacninh.gov.vn"


def test_a_feedback_written_to_the_oa_is_acknowledged_answered_and_rated(stack, zalo_sandbox):  # noqa: F811
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=100, echo_sends=False)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", is_follower=True,
                                    last_interaction="now")
    stack.start_workers(1)
    stack.start_pump()

    zalo_sandbox.emit("user_send_text", province.app_id, user_id=citizen["user_id"], text=f"Phản ánh: {CONTENT}")
    feedback = zalo_sandbox.wait_for(lambda: the_feedback(stack), timeout=60)
    assert feedback.content == CONTENT and feedback.code.startswith("PA-")
    acknowledged = zalo_sandbox.wait_for(
        lambda: [t for t in texts_on_phone(zalo_sandbox, province, citizen) if feedback.code in t], timeout=60)
    assert "sẽ trả lời chậm nhất ngày" in acknowledged[0]

    photo = {"type": "image", "payload": {"url": f"{zalo_sandbox.base_url}/cdn/anh.jpg",
                                          "thumbnail": f"{zalo_sandbox.base_url}/cdn/anh.jpg"}}
    zalo_sandbox.emit("user_send_image", province.app_id, user_id=citizen["user_id"], attachments=[photo])
    zalo_sandbox.wait_for(lambda: read(stack, lambda: db.session.scalar(select(FeedbackAttachment.content_type))),
                          timeout=60)

    console = httpx.Client(base_url=stack.url, timeout=10)
    email = add_officer(stack, "bac-ninh")
    signed_in = console.post("/login", data={"email": email, "password": factories.DEFAULT_PASSWORD})
    assert signed_in.status_code == 302, signed_in.text
    page = f"/bac-ninh/admin/feedback/{feedback.id}"
    assert console.get("/bac-ninh/admin/feedback/").status_code == 200
    for action, data in [("accept", {}), ("classify", {"classify-category": "other", "classify-agency": "UBND xã"}),
                         ("answer", {"answer-answer": ANSWER})]:
        response = console.post(f"{page}/{action}", data=data)
        assert response.status_code == 302, response.text

    answered = zalo_sandbox.wait_for(
        lambda: [t for t in texts_on_phone(zalo_sandbox, province, citizen) if ANSWER in t], timeout=60)
    # On a card, the buttons; in a consultation message, the words to answer with.
    assert f"Hài lòng {feedback.code}" in answered[0] or "Trả lời “Hài lòng” hoặc “Không hài lòng”." in answered[0]

    zalo_sandbox.emit("user_send_text", province.app_id, user_id=citizen["user_id"], text="hài lòng")
    rated = zalo_sandbox.wait_for(lambda: (f := the_feedback(stack)) and f.reaction and f, timeout=60)
    assert (rated.status, rated.reaction) == ("answered", "like")
    assert zalo_sandbox.wait_for(lambda: [t for t in texts_on_phone(zalo_sandbox, province, citizen)
                                          if "Cảm ơn Ông/Bà đã cho biết ý kiến" in t], timeout=60)
