"""End to end: a signed user_send_text webhook in, one consultation reply in the outbox, whatever repeats."""

from sqlalchemy import select

from platform_core.delivery.constants import CS, PENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.dossiers.constants import PROCESSING, SUPPLEMENT_REQUIRED
from platform_core.extensions import db
from platform_core.zalo import jobs
from platform_core.zalo.models import Follower, ZaloEvent
from tests.bot.conftest import add_dossier
from tests.conftest import as_tenant
from tests.zalo.conftest import now_ms, signed, user_text

URL = "/zalo/webhook/bac-ninh"
CODE = "000.00.24.H04-251128-0001"
SENDER = "8000042"


def deliver(client, body: dict) -> None:
    raw, headers = signed(body)
    assert client.post(URL, data=raw, headers=headers).status_code == 200


def deliver_and_process(client, tenant, body: dict) -> ZaloEvent:
    deliver(client, body)
    with as_tenant(tenant):
        event = db.session.scalars(select(ZaloEvent).order_by(ZaloEvent.received_at.desc())).first()
        jobs.process_event(str(event.id))
        db.session.refresh(event)
        return event


def replies(tenant) -> list[tuple[Notification, list[Delivery]]]:
    with as_tenant(tenant):
        notifications = db.session.scalars(select(Notification).where(Notification.event_kind == "bot_reply")
                                           .order_by(Notification.created_at, Notification.id)).all()
        return [(n, db.session.scalars(select(Delivery).where(Delivery.notification_id == n.id)).all())
                for n in notifications]


def only_reply_text(tenant) -> str:
    [(notification, [delivery])] = replies(tenant)
    assert (delivery.channel, delivery.recipient_zalo_user_id, delivery.state) == (CS, SENDER, PENDING)
    return notification.context["text"]


def supplement_dossier(tenant):
    return add_dossier(tenant, code=CODE, status=SUPPLEMENT_REQUIRED, events=[
        {"from_status": None, "to_status": PROCESSING},
        {"from_status": PROCESSING, "to_status": SUPPLEMENT_REQUIRED,
         "missing_documents": ["Giấy xác nhận chỗ ở hợp pháp"]},
    ])


def test_a_code_sent_to_the_oa_is_answered_once_through_the_outbox(client, connected_a, tenant_a):
    supplement_dossier(tenant_a)
    event = deliver_and_process(client, tenant_a, user_text(f"Tra cứu {CODE.lower()}", user_id=SENDER,
                                                             msg_id="bot-1"))
    assert event.status == "processed" and event.error is None
    text = only_reply_text(tenant_a)
    assert "Trạng thái: Yêu cầu bổ sung" in text and "- Giấy xác nhận chỗ ở hợp pháp" in text
    assert "Người nộp: Nguyễn V** A*" in text
    [(notification, _)] = replies(tenant_a)
    assert notification.idempotency_key == f"bot:{event.event_key}"


def test_the_citizen_writing_opens_the_consultation_window(client, connected_a, tenant_a):
    deliver_and_process(client, tenant_a, user_text("xin chào", user_id=SENDER, msg_id="bot-2"))
    with as_tenant(tenant_a):
        follower = db.session.scalar(select(Follower).where(Follower.zalo_user_id == SENDER))
    assert follower.last_interaction_at is not None
    assert only_reply_text(tenant_a).startswith("Xin chào!")


def test_processing_the_same_event_again_makes_no_second_reply(client, connected_a, tenant_a):
    supplement_dossier(tenant_a)
    event = deliver_and_process(client, tenant_a, user_text(CODE, user_id=SENDER, msg_id="bot-3"))
    with as_tenant(tenant_a):
        jobs.process_event(str(event.id))  # a retried job: the event is already processed
        stored = db.session.scalar(select(ZaloEvent).where(ZaloEvent.id == event.id))
        stored.processed_at = None  # a replay by an operator: the handler runs again
        jobs.process_event(str(event.id))
    deliver(client, user_text(CODE, user_id=SENDER, msg_id="bot-3"))  # Zalo's redelivery of the same message
    assert len(replies(tenant_a)) == 1
    assert "Trạng thái: Yêu cầu bổ sung" in only_reply_text(tenant_a)


def test_a_citizen_who_shared_the_dossiers_phone_sees_the_full_name(client, connected_a, tenant_a):
    supplement_dossier(tenant_a)
    shared = {"app_id": "1001001", "sender": {"id": SENDER}, "recipient": {"id": "3003001"},
              "event_name": "user_submit_info", "timestamp": now_ms(), "info": {"phone": 84912345678}}
    deliver_and_process(client, tenant_a, shared)
    deliver_and_process(client, tenant_a, user_text(f"tra cuu {CODE}", user_id=SENDER, msg_id="bot-4"))
    assert "Người nộp: Nguyễn Văn An" in only_reply_text(tenant_a)


def test_another_provinces_code_is_not_found_from_this_oa(client, connected_a, tenant_a, tenant_b):
    add_dossier(tenant_b, code=CODE, applicant_name="Trần Thị Bình")
    deliver_and_process(client, tenant_a, user_text(f"tra cứu {CODE}", user_id=SENDER, msg_id="bot-5"))
    text = only_reply_text(tenant_a)
    assert text.startswith(f"Không tìm thấy hồ sơ có mã {CODE} tại tỉnh Bắc Ninh.")
    assert "Trần" not in text
    assert replies(tenant_b) == []


def test_menu_and_procedure_search_through_the_webhook(client, connected_a, tenant_a):
    deliver_and_process(client, tenant_a, user_text("huong dan", user_id=SENDER, msg_id="bot-6"))
    deliver_and_process(client, tenant_a, user_text("thủ tục khai sinh", user_id=SENDER, msg_id="bot-7",
                                                    timestamp=now_ms(1)))
    texts = sorted(notification.context["text"] for notification, _ in replies(tenant_a))
    assert len(texts) == 2
    assert any("1. Đăng ký khai sinh (mã 1.001193)" in text for text in texts)
    assert any("hỗ trợ Ông/Bà qua Zalo:" in text for text in texts)
