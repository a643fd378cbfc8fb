"""Notices: one per official, sent on their linked Zalo with an "Đã nhận" button; secret documents without
their content; urgent ones re-sent until acknowledged; the acknowledgement from Zalo; read receipts."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from platform_core.auth.models import Membership
from platform_core.delivery.constants import SENT
from platform_core.delivery.models import Delivery
from platform_core.delivery.receipts import apply_known_receipt, apply_receipt
from platform_core.delivery.states import advance
from platform_core.dossiers.errors import Conflict
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.officials import service
from platform_core.officials.models import InternalNotice
from platform_core.zalo import staff_link
from platform_core.zalo.models import Follower, MessageReceipt
from tests.conftest import as_tenant
from tests.officials.conftest import ack, sent_messages

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam


def notice_data(**fields) -> dict:
    return {"kind": "incoming_document", "recipients": ["CB-001"], "title": "Công văn 123/UBND về cải cách TTHC",
            "body": "Đề nghị nghiên cứu, tham mưu trước ngày 05/12.", "urgency": "thuong", "secrecy": ""} | fields


def create(tenant, **fields) -> list:
    with as_tenant(tenant):
        notices, _ = service.create_notices(notice_data(**fields), now=NOW)
        return notices


def test_a_notice_goes_to_the_officials_linked_zalo_with_an_acknowledge_button(tenant_a, official_a):
    [notice] = create(tenant_a)
    assert (notice.status, notice.send_count, notice.sent_at, notice.next_resend_at) == ("sent", 1, NOW, None)
    [(recipient, context)] = sent_messages(tenant_a)
    assert recipient == "zalo-can-bo-1"
    assert context["header"] == "Văn bản đến cần xử lý"
    assert "Công văn 123/UBND" in context["text"] and "tham mưu" in context["text"]
    assert context["buttons"] == [{"title": "Đã nhận", "url": None, "reply": f"XN {notice.ack_code}",
                                   "means_yes": False, "spell_out": True, "never_yes": False}]


def test_a_meeting_says_when_and_where(tenant_a, official_a):
    create(tenant_a, kind="meeting", title="Họp giao ban", body=None, location="Phòng họp số 2",
           starts_at=datetime(2026, 12, 1, 7, 30, tzinfo=UTC), urgency="khan")
    [(_, context)] = sent_messages(tenant_a)
    assert context["text"].startswith("[KHẨN] Họp giao ban")
    assert "Thời gian: 14:30 01/12/2026" in context["text"] and "Địa điểm: Phòng họp số 2" in context["text"]


@pytest.mark.parametrize("secrecy", ["mat", "toi_mat", "tuyet_mat"])
def test_a_secret_documents_content_is_never_sent_only_a_count(tenant_a, official_a, secrecy):
    create(tenant_a, secrecy=secrecy, title="Kế hoạch BÍ-MẬT-1", body="Nội dung BÍ-MẬT-2", location="Phòng BÍ-MẬT-3")
    create(tenant_a, secrecy=secrecy, title="Báo cáo BÍ-MẬT-4", urgency="hoa_toc")
    messages = sent_messages(tenant_a)
    assert [context["text"] for _, context in messages] == [
        "Anh/chị có 1 văn bản mật cần xử lý.", "Anh/chị có 2 văn bản mật cần xử lý."]
    assert "BÍ-MẬT" not in str(messages) and "HỎA TỐC" not in str(messages)


def test_each_recipient_gets_their_own_notice_and_a_repeat_creates_nothing(tenant_a, official_a, unlinked_official_a):
    data = notice_data(recipients=["CB-001", "chua-lien-ket@bacninh.gov.vn", "CB-001"], idempotency_key="vb-123")
    with as_tenant(tenant_a):
        first, created = service.create_notices(data, now=NOW)
        again, created_again = service.create_notices(data, now=NOW)
    assert created and not created_again and [n.id for n in first] == [n.id for n in again]
    assert [n.status for n in first] == ["sent", "created"]  # the second official has not linked Zalo
    assert len(sent_messages(tenant_a)) == 1


def test_a_concurrent_request_with_the_same_key_is_answered_as_a_repeat(tenant_a, official_a, monkeypatch):
    """Two requests both find no notice under the key; the unique key lets one insert, the other replays it
    (and one with another body is refused), instead of a 500."""
    data = notice_data(idempotency_key="vb-race")
    with as_tenant(tenant_a):
        [first], _ = service.create_notices(data, now=NOW)
        monkeypatch.setattr(service, "_by_keys", _empty_once(service._by_keys))
        [again], created = service.create_notices(data, now=NOW)
        assert again.id == first.id and not created
        monkeypatch.setattr(service, "_by_keys", _empty_once(service._by_keys))
        with pytest.raises(Conflict) as refused:
            service.create_notices(data | {"title": "Công văn khác"}, now=NOW)
        assert set(refused.value.errors) == {"title"}
        assert db.session.scalar(select(func.count()).select_from(InternalNotice)) == 1
    assert len(sent_messages(tenant_a)) == 1


def _empty_once(find):
    calls = []

    def find_after_a_miss(keys):
        calls.append(keys)
        return {} if len(calls) == 1 else find(keys)

    return find_after_a_miss


def test_notices_waiting_for_an_official_go_when_they_link_their_zalo(tenant_a, official_a, unlinked_official_a):
    [waiting] = create(tenant_a, recipients=["CB-002"], urgency="hoa_toc")
    assert waiting.status == "created" and sent_messages(tenant_a) == []
    linked_at = NOW + timedelta(hours=2)
    with as_tenant(tenant_a):
        follower = Follower(zalo_user_id="zalo-chua-lien-ket", last_interaction_at=linked_at)
        db.session.add(follower)
        code = staff_link.issue_code(unlinked_official_a.user, now=linked_at)
        assert "đã được liên kết" in staff_link.answer(follower, code.code, now=linked_at)
        db.session.flush()
    assert (waiting.status, waiting.sent_at, waiting.send_count) == ("sent", linked_at, 1)
    assert waiting.next_resend_at == linked_at + timedelta(minutes=15)  # hỏa tốc: re-sent until acknowledged
    [(recipient, context)] = sent_messages(tenant_a)
    assert recipient == "zalo-chua-lien-ket" and context["buttons"][0]["reply"] == f"XN {waiting.ack_code}"


def test_an_unknown_or_inactive_recipient_is_refused_by_name(tenant_a, official_a):
    with pytest.raises(FieldError, match="CB-404"):
        create(tenant_a, recipients=["CB-001", "CB-404"])
    official_a.profile.active = False
    with pytest.raises(FieldError, match="not an active official"):
        create(tenant_a)


def test_another_provinces_official_is_not_a_recipient(tenant_a, official_b):
    with pytest.raises(FieldError, match="can-bo@danang.gov.vn"):
        create(tenant_a, recipients=["can-bo@danang.gov.vn"])


def test_an_express_notice_is_re_sent_every_15_minutes_until_acknowledged(tenant_a, official_a):
    [notice] = create(tenant_a, urgency="hoa_toc")
    assert notice.next_resend_at == NOW + timedelta(minutes=15)
    with as_tenant(tenant_a):
        assert service.resend_due(NOW + timedelta(minutes=14)) == 0
        assert service.resend_due(NOW + timedelta(minutes=15)) == 1
    assert notice.send_count == 2 and notice.next_resend_at == NOW + timedelta(minutes=30)
    texts = [context["text"] for _, context in sent_messages(tenant_a)]
    assert texts[1].startswith("Nhắc lại lần 1. [HỎA TỐC] Công văn 123/UBND")
    assert "Đã ghi nhận" in ack(tenant_a, "zalo-can-bo-1", f"xn {notice.ack_code.lower()}")
    assert (notice.status, notice.next_resend_at) == ("acknowledged", None)
    with as_tenant(tenant_a):
        assert service.resend_due(NOW + timedelta(hours=5)) == 0
    assert "trước đó" in ack(tenant_a, "zalo-can-bo-1", f"XN {notice.ack_code}")


def test_re_sending_stops_after_the_maximum(tenant_a, official_a):
    [notice] = create(tenant_a, urgency="thuong_khan")
    with as_tenant(tenant_a):
        for step in range(1, 20):
            service.resend_due(NOW + timedelta(minutes=30 * step))
    assert notice.send_count == 9 and notice.next_resend_at is None and notice.status == "sent"


def test_normal_and_urgent_notices_are_not_re_sent(tenant_a, official_a):
    create(tenant_a, urgency="khan")
    with as_tenant(tenant_a):
        assert service.resend_due(NOW + timedelta(days=1)) == 0


def test_only_the_linked_official_can_acknowledge(tenant_a, official_a, unlinked_official_a):
    [notice] = create(tenant_a, urgency="hoa_toc")
    with as_tenant(tenant_a):
        db.session.add(Follower(zalo_user_id="zalo-someone-else"))
        db.session.flush()
    assert "Không tìm thấy thông báo" in ack(tenant_a, "zalo-someone-else", f"XN {notice.ack_code}")
    assert "Không tìm thấy thông báo" in ack(tenant_a, "zalo-can-bo-1", "XN ZZZZZZ")
    assert notice.status == "sent"
    assert ack(tenant_a, "zalo-can-bo-1", "Xin chào") is None  # not an acknowledgement: the bot answers it


def test_a_seen_receipt_reads_the_notice(tenant_a, official_a):
    [notice] = create(tenant_a)
    with as_tenant(tenant_a):
        delivery = db.session.scalar(select(Delivery))
        advance(delivery, SENT, NOW)
        delivery.provider_message_id = "msg-1"
        apply_receipt(MessageReceipt(message_id="msg-2", seen_at=NOW))
        assert notice.status == "sent"  # another message's receipt
        apply_receipt(MessageReceipt(message_id="msg-1", seen_at=NOW + timedelta(minutes=3)))
    assert (notice.status, notice.read_at) == ("read", NOW + timedelta(minutes=3))


def test_a_receipt_that_came_before_the_send_was_recorded_reads_the_notice(tenant_a, official_a):
    [notice] = create(tenant_a)
    with as_tenant(tenant_a):
        db.session.add(MessageReceipt(message_id="msg-early", seen_at=NOW + timedelta(seconds=1)))
        delivery = db.session.scalar(select(Delivery))
        advance(delivery, SENT, NOW)
        delivery.provider_message_id = "msg-early"
        apply_known_receipt(delivery)  # what the sender does right after recording the message id
    assert (notice.status, notice.read_at) == ("read", NOW + timedelta(seconds=1))


def test_re_sending_stops_when_the_official_leaves_the_team(tenant_a, official_a):
    [notice] = create(tenant_a, urgency="hoa_toc")
    with as_tenant(tenant_a):
        db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == official_a.user.id)))
        db.session.flush()
        assert service.resend_due(NOW + timedelta(minutes=15)) == 0
    assert (notice.send_count, notice.next_resend_at) == (1, None)
