"""Feedback near its deadline, as the officials' notices ask for it."""

from datetime import UTC, datetime, timedelta

from platform_core.feedback import reports
from tests.conftest import as_tenant
from tests.feedback.conftest import MONDAY, zalo_feedback


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
