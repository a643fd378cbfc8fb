"""The plain functions the dashboard and the officials' notices call."""

from datetime import UTC, datetime, timedelta

from platform_core.feedback import reports, service
from tests.conftest import as_tenant
from tests.feedback.conftest import MONDAY, web_feedback, zalo_feedback

NOVEMBER = (datetime(2026, 10, 31, 17, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC))  # VN month


def answer(feedback, officer, at):
    service.act(feedback, "accept", officer, now=at)
    service.act(feedback, "classify", officer, category="regulation_content", now=at)
    service.act(feedback, "answer", officer, answer="Đã sửa quy định.", now=at)


def test_counts_on_time_rate_and_overdue(tenant_a, tenant_b, officer):
    on_time, late, open_one = zalo_feedback(tenant_a), zalo_feedback(tenant_a), web_feedback(tenant_a)
    zalo_feedback(tenant_b)  # another province's: counted nowhere here
    with as_tenant(tenant_a):
        answer(on_time, officer, MONDAY + timedelta(days=3))
        answer(late, officer, MONDAY + timedelta(days=30))
        assert reports.counts_by_status(*NOVEMBER) == {"answered": 2, "submitted": 1}
        assert reports.counts_by_category(*NOVEMBER) == {"regulation_content": 2, "other": 1}
        rate = reports.on_time_rate(*NOVEMBER)
        assert (rate.answered, rate.on_time) == (1, 1)  # the late answer falls in December
        december = reports.on_time_rate(NOVEMBER[1], NOVEMBER[1] + timedelta(days=31))
        assert (december.answered, december.on_time, december.rate) == (1, 0, 0.0)
        assert reports.on_time_rate(NOVEMBER[1] + timedelta(days=40), NOVEMBER[1] + timedelta(days=41)).rate is None
        # On 5/11 (Thursday) evening: the open one's intake deadline (4/11) has passed.
        assert reports.overdue_count(datetime(2026, 11, 5, 12, tzinfo=UTC)) == 1
        assert open_one.status == "submitted"


def test_near_deadline_lists_what_falls_due_soon(tenant_a, officer):
    first, second = zalo_feedback(tenant_a), zalo_feedback(tenant_a, now=MONDAY + timedelta(days=1))
    with as_tenant(tenant_a):
        tuesday = datetime(2026, 11, 3, 10, tzinfo=UTC)
        due = reports.near_deadline(timedelta(days=1, hours=8), now=tuesday)  # to 4/11 18:00 UTC
        assert [(item.code, item.status) for item in due] == [(first.code, "submitted")]
        due = reports.near_deadline(timedelta(days=2, hours=8), now=tuesday)
        assert [item.code for item in due] == [first.code, second.code]
        assert due[0].deadline == first.deadline_reject_at and due[0].id == first.id
        assert reports.near_deadline(timedelta(days=2), now=datetime(2026, 11, 6, tzinfo=UTC)) == []
