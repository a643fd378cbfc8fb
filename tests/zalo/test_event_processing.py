"""What each webhook event does once processed (the job body, run in the event's tenant)."""

from sqlalchemy import select

from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.zalo import jobs
from platform_core.zalo.models import DataSubjectRequest, Follower, MessageReceipt, ZaloEvent
from tests.conftest import as_tenant
from tests.zalo.conftest import follow, now_ms, signed, user_text

URL = "/zalo/webhook/bac-ninh"


def deliver_and_process(client, tenant, body: dict, headers_extra: dict | None = None) -> ZaloEvent:
    raw, headers = signed(body)
    headers |= headers_extra or {}
    assert client.post(URL, data=raw, headers=headers).status_code == 200
    with as_tenant(tenant):
        event = db.session.scalars(select(ZaloEvent).order_by(ZaloEvent.received_at.desc())).first()
        jobs.process_event(str(event.id))
        db.session.refresh(event)  # loaded inside the tenant: the test reads it afterwards
        return event


def follower(tenant, user_id="8000001") -> Follower | None:
    with as_tenant(tenant):
        return db.session.scalar(select(Follower).where(Follower.zalo_user_id == user_id))


def test_follow_records_the_follower_and_writes_the_welcome_to_the_outbox(client, connected_a, tenant_a):
    event = deliver_and_process(client, tenant_a, follow())
    assert event.status == "processed"
    record = follower(tenant_a)
    assert record.is_follower and record.followed_at and record.last_interaction_at
    with as_tenant(tenant_a):
        [delivery] = db.session.scalars(select(Delivery)).all()
        assert (delivery.recipient_zalo_user_id, delivery.channel, delivery.state) == ("8000001", "cs", "pending")
        text = delivery.notification.context["text"]
        assert "Chào mừng" in text and "\"tin chính sách\"" in text and "\"dừng\"" in text


def test_unfollow_keeps_the_citizen_but_marks_them(client, connected_a, tenant_a):
    deliver_and_process(client, tenant_a, follow())
    deliver_and_process(client, tenant_a, follow(event="unfollow", timestamp=now_ms(1)))
    record = follower(tenant_a)
    assert not record.is_follower and record.unfollowed_at


def test_citizen_message_without_a_handler_opens_the_window_and_is_kept(client, connected_a, tenant_a):
    image = user_text(user_id="8000009", msg_id="t-9") | {"event_name": "user_send_image"}  # text: the bot
    event = deliver_and_process(client, tenant_a, image)
    assert event.status == "recorded"
    assert follower(tenant_a, "8000009").last_interaction_at is not None


def test_shared_phone_is_stored_in_e164(client, connected_a, tenant_a):
    body = {"app_id": "1001001", "sender": {"id": "8000001"}, "recipient": {"id": "3003001"},
            "event_name": "user_submit_info", "timestamp": now_ms(),
            "info": {"name": "Trần Thị B", "phone": 84912345678, "city": "Bắc Ninh", "address": ""}}
    deliver_and_process(client, tenant_a, body)
    record = follower(tenant_a)
    assert record.phone_e164 == "+84912345678"
    assert record.shared_info == {"name": "Trần Thị B", "city": "Bắc Ninh"}


def test_receipts_are_recorded_for_oa_and_zns_messages(client, connected_a, tenant_a):
    received = {"app_id": "1001001", "sender": {"id": "3003001"}, "recipient": {"id": "8000001"},
                "event_name": "user_received_message", "message": {"msg_id": "oa-msg-1"}, "timestamp": now_ms()}
    seen = received | {"event_name": "user_seen_message", "message": {"msg_ids": ["oa-msg-1"]}}
    zns = received | {"recipient": {"id": "84912345678"}, "message": {"msg_id": "zns-1", "tracking_id": "t",
                                                                     "delivery_time": now_ms()}}
    deliver_and_process(client, tenant_a, received)
    deliver_and_process(client, tenant_a, seen)
    deliver_and_process(client, tenant_a, zns, {"X-ZEvent-Server": "ZNS"})
    with as_tenant(tenant_a):
        receipts = {r.message_id: r for r in db.session.scalars(select(MessageReceipt))}
    assert receipts["oa-msg-1"].delivered_at and receipts["oa-msg-1"].seen_at
    assert receipts["zns-1"].via_zns and receipts["zns-1"].delivered_at


def test_withdraw_is_recorded_as_a_data_subject_request(client, connected_a, tenant_a):
    body = {"app_id": "1001001", "oa_id": "3003001", "user_id": "8000001", "user_id_by_app": "a",
            "event_name": "user_withdraw", "timestamp": now_ms()}
    event = deliver_and_process(client, tenant_a, body)
    with as_tenant(tenant_a):
        [request] = db.session.scalars(select(DataSubjectRequest)).all()
    assert (request.zalo_user_id, request.kind, request.status, request.event_id) == (
        "8000001", "withdraw", "open", event.id)


def test_processing_twice_changes_nothing(client, connected_a, tenant_a):
    event = deliver_and_process(client, tenant_a, follow())
    first = follower(tenant_a).followed_at
    with as_tenant(tenant_a):
        assert jobs.process_event(str(event.id)) == "processed"
    assert follower(tenant_a).followed_at == first


def test_events_never_reach_another_tenants_followers(client, connected_a, connected_b, tenant_b, tenant_a):
    deliver_and_process(client, tenant_a, follow())
    assert follower(tenant_b) is None
