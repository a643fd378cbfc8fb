"""The feedback service: intake with code and deadlines, the state machine, the citizen's side, overdue."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from platform_core.audit.models import AuditEvent
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.feedback import service
from platform_core.feedback.constants import (
    ACCEPTED,
    ANSWERED,
    CHANNEL_OFFICER,
    CHANNEL_WEB,
    CLASSIFIED,
    CLOSED,
    DISLIKE,
    FORWARDED,
    IN_PROGRESS,
    LIKE,
    PUBLISHED,
    REJECTED,
    SUBMITTED,
    SUPPLEMENT_REQUESTED,
    SUPPLEMENTED,
)
from platform_core.feedback.models import Feedback
from tests import factories
from tests.auth.support import add_membership
from tests.conftest import as_tenant
from tests.feedback.conftest import (
    CITIZEN,
    CONTENT,
    MONDAY,
    add_follower,
    messages_to,
    vn_day,
    web_feedback,
    zalo_feedback,
)


def count_feedback(tenant) -> int:
    with as_tenant(tenant):
        return db.session.scalar(select(func.count()).select_from(Feedback))


def test_a_feedback_gets_a_code_and_working_day_deadlines(tenant_a):
    feedback = zalo_feedback(tenant_a)
    assert feedback.code == "PA-2611-0001" and feedback.status == SUBMITTED
    assert vn_day(feedback.deadline_reject_at).isoformat() == "2026-11-04"
    assert vn_day(feedback.deadline_supplement_at).isoformat() == "2026-11-09"
    assert vn_day(feedback.deadline_answer_at).isoformat() == "2026-11-23"
    with as_tenant(tenant_a):
        [event] = service.history(feedback)
    assert (event.action, event.to_status, event.notified_citizen) == ("submit", SUBMITTED, True)


def test_codes_count_per_month_and_per_tenant(tenant_a, tenant_b):
    assert zalo_feedback(tenant_a).code == "PA-2611-0001"
    assert zalo_feedback(tenant_a).code == "PA-2611-0002"
    assert zalo_feedback(tenant_b).code == "PA-2611-0001"
    assert zalo_feedback(tenant_a, now=datetime(2026, 11, 30, 18, tzinfo=UTC)).code == "PA-2612-0001"  # 1/12 in VN


def test_a_code_taken_meanwhile_makes_the_next_submission_try_the_next_number(tenant_a):
    first = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        first.code = "PA-2611-0002"  # as if a concurrent submission had taken 0002 first
        db.session.flush()
    assert zalo_feedback(tenant_a).code == "PA-2611-0003"
    assert count_feedback(tenant_a) == 2


def test_the_zalo_acknowledgement_carries_the_code_and_the_answer_deadline(tenant_a):
    feedback = zalo_feedback(tenant_a)
    [message] = messages_to(tenant_a)
    assert message["code"] == feedback.code and message["code_label"] == "Mã phản ánh"
    assert "23/11/2026" in message["text"] and "Bắc Ninh" in message["text"]


def test_a_web_feedback_reaches_the_citizen_on_zalo_when_the_oa_knows_their_phone(tenant_a):
    add_follower(tenant_a, phone="+84987654321")
    feedback = web_feedback(tenant_a, phone="0987 654 321")
    assert feedback.submitter_phone == "+84987654321" and feedback.zalo_user_id == CITIZEN
    assert [m["code"] for m in messages_to(tenant_a)] == [feedback.code]


def test_a_web_feedback_from_an_unknown_phone_is_kept_without_a_message(tenant_a):
    feedback = web_feedback(tenant_a)
    assert feedback.zalo_user_id is None
    with as_tenant(tenant_a):
        [event] = service.history(feedback)
    assert event.notified_citizen is False


@pytest.mark.parametrize("content", [None, "", "   ", "ngắn quá"])
def test_feedback_without_content_is_refused_and_nothing_is_stored(tenant_a, content):
    with pytest.raises(FieldError) as refused:
        zalo_feedback(tenant_a, content=content)
    assert refused.value.field == "content"
    assert count_feedback(tenant_a) == 0
    assert messages_to(tenant_a) == []


@pytest.mark.parametrize(("fields", "field"), [
    ({"name": "", "phone": "0912345678"}, "name"),
    ({"name": "Trần Thị Bình", "phone": ""}, "phone"),
    ({"name": "Trần Thị Bình", "phone": "12345"}, "phone"),
])
def test_a_web_feedback_needs_a_name_and_a_mobile_number(tenant_a, fields, field):
    with as_tenant(tenant_a), pytest.raises(FieldError) as refused:
        service.submit(CHANNEL_WEB, CONTENT, **fields)
    assert refused.value.field == field
    assert count_feedback(tenant_a) == 0


def test_the_whole_workflow_tells_the_citizen_what_concerns_them(tenant_a, officer):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        for action, fields, status in [
            ("accept", {}, ACCEPTED),
            ("classify", {"category": "official_conduct", "agency": "UBND xã Tiên Du"}, CLASSIFIED),
            ("start", {}, IN_PROGRESS),
            ("answer", {"answer": "UBND xã đã kiểm điểm cán bộ và trả kết quả cho ông."}, ANSWERED),
            ("publish", {}, PUBLISHED),
            ("close", {}, CLOSED),
        ]:
            service.act(feedback, action, officer, now=MONDAY + timedelta(days=1), **fields)
            assert feedback.status == status
        actions = [event.action for event in service.history(feedback)]
        audited = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(feedback.id))).all()
    assert actions == ["submit", "accept", "classify", "start", "answer", "publish", "close"]
    assert set(audited) == {f"feedback_{action}" for action in actions[1:]}
    assert feedback.category == "official_conduct" and feedback.assigned_agency == "UBND xã Tiên Du"
    assert vn_day(feedback.deadline_publish_at).isoformat() == "2026-11-05"
    headers = [m["header"] for m in messages_to(tenant_a)]
    assert headers == ["Đã nhận phản ánh, kiến nghị", "Phản ánh, kiến nghị đã được tiếp nhận",
                       "Trả lời phản ánh, kiến nghị", "Kết quả đã được công khai"]
    answer = messages_to(tenant_a)[2]
    assert "UBND xã đã kiểm điểm cán bộ" in answer["text"]
    assert [b["reply"] for b in answer["buttons"]] == [f"Hài lòng {feedback.code}", f"Không hài lòng {feedback.code}"]


def test_rejecting_needs_a_reason_which_the_citizen_is_told(tenant_a, officer):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        with pytest.raises(FieldError) as refused:
            service.act(feedback, "reject", officer, note="  ")
        assert refused.value.field == "note" and feedback.status == SUBMITTED
        service.act(feedback, "reject", officer, note="Nội dung là khiếu nại, xin gửi theo Luật Khiếu nại.")
    assert feedback.status == REJECTED
    assert "Lý do: Nội dung là khiếu nại" in messages_to(tenant_a)[-1]["text"]


def test_forwarding_names_the_agency(tenant_a, officer):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        service.act(feedback, "accept", officer)
        service.act(feedback, "classify", officer, category="regulation_content")
        with pytest.raises(FieldError):
            service.act(feedback, "forward", officer)
        service.act(feedback, "forward", officer, agency="Sở Tư pháp")
    assert feedback.status == FORWARDED and feedback.forwarded_to == "Sở Tư pháp"
    assert "Sở Tư pháp" in messages_to(tenant_a)[-1]["text"]


@pytest.mark.parametrize(("steps", "action"), [
    ([], "answer"),
    ([], "publish"),
    ([], "classify"),
    (["accept"], "accept"),
    (["accept"], "reject"),
    (["reject"], "accept"),
    (["accept"], "close"),
])
def test_invalid_transitions_are_refused_with_a_message(app, tenant_a, officer, steps, action):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        for step in steps:
            service.act(feedback, step, officer, note="Lý do đủ dài để nhận.")
        before = feedback.status
        with pytest.raises(service.TransitionError) as refused:
            service.act(feedback, action, officer, note="x", answer="Trả lời", category="other", agency="Sở")
        assert feedback.status == before
        assert len(service.history(feedback)) == 1 + len(steps)
    assert refused.value.field == "action"
    with app.test_request_context("/?lang=en"):
        assert "cannot be moved this way" in str(refused.value.message)


def test_an_unknown_action_or_category_is_refused(tenant_a, officer):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        with pytest.raises(FieldError):
            service.act(feedback, "supplement", officer)  # the citizen's step, not an officer's
        service.act(feedback, "accept", officer)
        with pytest.raises(FieldError) as refused:
            service.act(feedback, "classify", officer, category="secret")
    assert refused.value.field == "category"


def test_more_information_restarts_intake(tenant_a, officer):
    feedback = zalo_feedback(tenant_a)
    later = MONDAY + timedelta(days=7)  # Monday 9/11
    with as_tenant(tenant_a):
        with pytest.raises(service.TransitionError):
            service.add_information(feedback, "Thêm thông tin khi chưa được hỏi")
        service.act(feedback, "request_supplement", officer, note="Ngày, giờ và tên cán bộ tiếp nhận.")
        assert feedback.status == SUPPLEMENT_REQUESTED
        service.add_information(feedback, "Ngày 28/10, khoảng 9 giờ, cán bộ Nguyễn Văn B.", now=later)
    assert feedback.status == SUPPLEMENTED
    assert vn_day(feedback.deadline_reject_at).isoformat() == "2026-11-11"
    assert vn_day(feedback.deadline_answer_at).isoformat() == "2026-11-30"
    assert "bổ sung PA-2611-0001" in messages_to(tenant_a)[-1]["text"]


def test_the_citizen_reacts_to_an_answer_only(tenant_a, officer):
    feedback = zalo_feedback(tenant_a)
    with as_tenant(tenant_a):
        with pytest.raises(service.TransitionError):
            service.react(feedback, LIKE)
        steps = [("accept", {}), ("classify", {"category": "other"}), ("answer", {"answer": "Đã xử lý."})]
        for action, fields in steps:
            service.act(feedback, action, officer, **fields)
        service.react(feedback, LIKE)
        service.react(feedback, DISLIKE)
    assert feedback.reaction == DISLIKE and feedback.reaction_at is not None


def test_another_provinces_feedback_is_not_found(tenant_a, tenant_b):
    theirs = zalo_feedback(tenant_b)
    with as_tenant(tenant_a):
        assert service.get(theirs.id) is None
        assert service.find_by_code(theirs.code) is None
        assert service.inbox(1).items == []


def test_overdue_feedback_is_flagged_once_and_escalated_to_admins_with_zalo(tenant_a, officer):
    admin = factories.create_user("admin-pakn@bacninh.gov.vn")
    add_membership(admin, tenant_a, "admin")
    add_follower(tenant_a, zalo_user_id="9000001", phone=None, staff_user_id=admin.id)
    add_follower(tenant_a, zalo_user_id="9000002", phone=None, staff_user_id=officer.id)  # an officer: not told
    late, on_time = zalo_feedback(tenant_a), zalo_feedback(tenant_a, now=MONDAY + timedelta(days=3))
    friday = datetime(2026, 11, 5, 18, tzinfo=UTC)  # Friday 6/11 01:00 in Vietnam: intake of `late` is overdue
    with as_tenant(tenant_a):
        assert service.flag_overdue(friday) == [late]
        assert service.flag_overdue(friday + timedelta(hours=1)) == []
        [audit] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "feedback_overdue")).all()
        assert audit.details["code"] == late.code
        assert [e.action for e in service.history(late)][-1] == "overdue"
        assert service.escalated() == [late]
    assert late.overdue_flagged_at is not None and on_time.overdue_flagged_at is None
    [escalation] = messages_to(tenant_a, "9000001")
    assert late.code in escalation["text"] and "04/11/2026" in escalation["text"]
    assert messages_to(tenant_a, "9000002") == []
    with as_tenant(tenant_a):
        service.act(late, "accept", officer, now=friday)  # the next stage has its own deadline
        assert late.overdue_flagged_at is None and service.escalated() == []


def test_the_inbox_filters(tenant_a, officer):
    first, second = zalo_feedback(tenant_a), web_feedback(tenant_a)
    with as_tenant(tenant_a):
        service.act(second, "accept", officer)
        assert [f.code for f in service.inbox(1).items] == [second.code, first.code]
        assert service.inbox(1, status=ACCEPTED).items == [second]
        assert service.inbox(1, channel=CHANNEL_WEB).items == [second]
        assert service.inbox(1, channel=CHANNEL_OFFICER).items == []
        assert service.inbox(1, code="0001").items == [first]
        assert service.inbox(1, overdue=True, now=datetime(2026, 11, 5, 18, tzinfo=UTC)).items == [first]

