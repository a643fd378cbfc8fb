"""Each kind of data-subject request has its own legal deadline (Decree 356/2025, docs/domain.md §6): a stop of
processing 15 days, 20 when a processor or third party must stop too; the console shows every kind's."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.citizens import requests
from platform_core.citizens.clock import completion_days, deadlines
from platform_core.extensions import db
from platform_core.zalo.models import DataSubjectRequest
from tests.citizens.test_views import BASE, PHONE, UID, post
from tests.conftest import as_tenant

RECEIVED = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # Monday 10:00 in Vietnam


@pytest.mark.parametrize(("kind", "third_party", "days"), [
    ("stop", False, 15), ("stop", True, 20), ("withdraw", False, 15), ("withdraw", True, 20),
    ("export", False, 10), ("export", True, 10), ("erase", False, 10), ("erase", True, 10),
])
def test_each_kind_is_completed_within_its_days(tenant_a, kind, third_party, days):
    """A third party lengthens only a stop of processing; the answer is due in 2 working days whatever the kind."""
    with as_tenant(tenant_a):
        respond_by, complete_by = deadlines(RECEIVED, kind, third_party)
    assert completion_days(kind, third_party) == days
    assert complete_by == RECEIVED + timedelta(days=days)
    assert respond_by == datetime(2026, 11, 4, 16, 59, 59, 999999, tzinfo=UTC)  # end of Wednesday in Vietnam


def test_a_request_recorded_at_the_desk_gets_its_kinds_deadline(admin_a, tenant_a):
    response = post(admin_a, f"{BASE}/requests", {"kind": "erase", "method": "counter", "phone": "0912 345 678"})
    assert response.status_code == 302
    assert "Complete it within 10 days" in admin_a.get(response.location).get_data(as_text=True)
    with as_tenant(tenant_a):
        request = db.session.scalar(select(DataSubjectRequest))
    assert request.complete_by - request.received_at == timedelta(days=10) and request.third_party is False


def test_the_console_lists_every_kinds_deadline(admin_a):
    page = admin_a.get(f"{BASE}/").get_data(as_text=True)
    table = page.split('id="deadlines-heading"', 1)[1].split("</table>", 1)[0]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 4
    by_kind = {row.split("</th>", 1)[0].rsplit(">", 1)[1]: row for row in rows}
    assert "within 15 days of receipt" in by_kind["Stop messages"]
    assert "20 days when a processor or third party must also stop" in by_kind["Stop messages"]
    assert "20 days when a processor" in by_kind["Withdraw consent (Zalo data request)"]
    assert "within 10 days of receipt" in by_kind["Erase contact and chat data"]
    assert "third party" not in by_kind["Copy of their data"]
    assert all("within 2 working days" in row for row in rows)


def test_a_stop_a_third_party_must_carry_out_too_gets_twenty_days(admin_a, tenant_a):
    with as_tenant(tenant_a):
        request = requests.open_request("withdraw", method="zalo_user_withdraw", zalo_user_id=UID)
        db.session.flush()
        received = request.received_at
    url = f"{BASE}/requests/{request.id}"
    page = admin_a.get(url).get_data(as_text=True)
    assert "15 days of receipt for this kind of request" in page and "Use the 20-day deadline" in page
    response = post(admin_a, f"{url}/third-party", {}, page_url=url)
    assert response.status_code == 302
    with as_tenant(tenant_a):
        db.session.refresh(request)
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "data_request_third_party"))
    assert request.third_party and request.complete_by == received + timedelta(days=20)
    assert audit is not None and audit.details["complete_by"] == request.complete_by.isoformat()
    page = admin_a.get(url).get_data(as_text=True)
    assert "20 days of receipt" in page and "Use the 20-day deadline" not in page


def test_only_an_open_stop_of_processing_can_be_extended(admin_a, tenant_a):
    with as_tenant(tenant_a):
        export = requests.open_request("export", method="counter", phone=PHONE)
        db.session.flush()
        deadline = export.complete_by
    url = f"{BASE}/requests/{export.id}"
    assert "Use the 20-day deadline" not in admin_a.get(url).get_data(as_text=True)
    response = post(admin_a, f"{url}/third-party", {}, page_url=url)
    assert "Only an open request to stop processing" in admin_a.get(response.location).get_data(as_text=True)
    with as_tenant(tenant_a):
        db.session.refresh(export)
    assert export.complete_by == deadline and not export.third_party


def test_another_provinces_request_is_not_found(admin_a, tenant_b):
    with as_tenant(tenant_b):
        theirs = requests.open_request("withdraw", method="zalo_user_withdraw", zalo_user_id=UID)
        db.session.flush()
    assert post(admin_a, f"{BASE}/requests/{theirs.id}/third-party", {}).status_code == 404
    with as_tenant(tenant_b):
        db.session.refresh(theirs)
    assert theirs.third_party is False
