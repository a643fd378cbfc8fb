"""Known data for the reports: tenant A's October 2026 (Vietnam time), and tenant B's rows carrying the canary.

The figures each test expects are worked out from `october` below; pages are read in English (`?lang=en`).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from platform_core.clock import VIETNAM
from platform_core.dashboard.period import Period
from platform_core.dossiers.constants import RETURNED
from platform_core.extensions import db
from platform_core.officials.models import InternalNotice, OfficialProfile
from tests import factories
from tests.conftest import CANARY, as_tenant
from tests.console.support import admin_b, officer_a  # noqa: F401 - shared fixtures
from tests.dossiers.support import record
from tests.operator.conftest import admin_client, citizen_rows, operator, operator_client  # noqa: F401 - shared

OCTOBER = Period(datetime(2026, 10, 1).date(), datetime(2026, 10, 31).date())
OCTOBER_ARGS = "period=custom&date_from=2026-10-01&date_to=2026-10-31&lang=en"
CITIZEN = "5550000000000001"
POLICE, COMMUNE = "Công an xã Bắc Ninh", "UBND xã Bắc Ninh"  # the seeded procedures' agencies (tests/conftest.py)
B_CITIZEN = f"555{CANARY}"


def vn(day: int, hour: int = 9, minute: int = 0, month: int = 10) -> datetime:
    """A time in Vietnam in 2026, as the UTC instant the database keeps."""
    return datetime(2026, month, day, hour, minute, tzinfo=VIETNAM).astimezone(UTC)


def iso(day: int, month: int = 10) -> str:
    return f"2026-{month:02d}-{day:02d}T08:00:00+07:00"


def finished_dossier(code: str, procedure: str, received: int, due: int, completed: int | datetime | None,
                     status: int, paused_days: int = 0):
    """A dossier received on October `received` 08:00, due on `due` 08:00, taken through its events: processing
    at 09:00, a supplement request at 10:00 answered `paused_days` later, the result ready on `completed` (a day at
    10:00, or an instant) and handed over at 15:00 when `status` is 10; left processing when `completed` is None."""
    dossier = factories.create_dossier(code, procedure_code=procedure, received_at=iso(received), due_at=iso(due))
    record(code, "processing", vn(received, 9).isoformat(), simulated=True)
    if paused_days:
        record(code, "supplement_required", vn(received, 10).isoformat(), missing_documents=["Bản sao CCCD"],
               simulated=True)
        record(code, "processing", (vn(received, 10) + timedelta(days=paused_days)).isoformat(), simulated=True)
    if completed is not None:
        result_at = vn(completed, 10) if isinstance(completed, int) else completed
        record(code, "result_ready", result_at.isoformat(), simulated=True)
        if status == RETURNED:
            record(code, "returned", (result_at + timedelta(hours=5)).isoformat(), simulated=True)
    db.session.flush()
    return dossier


@dataclass
class October:
    dossiers: list


@pytest.fixture
def october(tenant_a, tenant_b) -> October:
    """Tenant A: 4 dossiers (2 on time, 1 late, 1 open and past its appointment), 8 deliveries, 3 ratings,
    4 feedback, 4 followers, 2 notices sent to an official of the police.
    Tenant B: one of each, every name carrying the canary."""
    with as_tenant(tenant_a):
        d1 = finished_dossier("A-0001", "1.004222", received=2, due=10, completed=8, status=10)
        d2 = finished_dossier("A-0002", "1.004222", received=3, due=5, completed=9, status=9)
        finished_dossier("A-0003", "1.001193", received=4, due=20, completed=None, status=4)
        d4 = finished_dossier("A-0004", "1.001193", received=5, due=6, completed=7, status=10, paused_days=2)
        # The citizen wrote at 09:00 on the 10th: the two cs replies that day are free, the one on the 20th paid.
        factories.create_zalo_event("user_send_text", CITIZEN, vn(10, 9))
        for at in (vn(10, 10), vn(10, 10, 5), vn(20, 10)):
            factories.create_delivery("cs", "sent", created_at=at, sent_at=at)
        factories.create_delivery("transaction", "delivered", vn(8, 11), sent_at=vn(8, 11), dossier_id=d1.id,
                                  delivered_at=vn(8, 12))
        factories.create_delivery("transaction", "seen", vn(9, 11), sent_at=vn(9, 11), dossier_id=d2.id,
                                  delivered_at=vn(9, 12), seen_at=vn(9, 13))
        factories.create_delivery("zns", "failed", vn(11), recipient_phone="+84912345678", zalo_user_id=None)
        factories.create_delivery("promotion", "sent", vn(12), sent_at=vn(12))
        factories.create_delivery("transaction", "sent", vn(12), sent_at=vn(12), simulated=True)
        factories.create_rating(d1, 5, vn(9), agency=POLICE)
        factories.create_rating(d2, 2, vn(10), agency=POLICE)
        factories.create_rating(d4, 4, vn(11), agency=COMMUNE)
        factories.create_feedback("PA-A-1", vn(1), status="answered", assigned_agency=POLICE,
                                  answered_at=vn(10), deadline_answer_at=vn(20))
        factories.create_feedback("PA-A-2", vn(2), status="in_progress", deadline_answer_at=vn(15))
        factories.create_feedback("PA-A-3", vn(3), status="rejected")
        factories.create_feedback("PA-A-4", vn(3), status="answered", assigned_agency=POLICE,
                                  answered_at=vn(25), deadline_answer_at=vn(22))
        official = factories.create_user("can-bo-cong-an@bacninh.gov.vn", tenant=tenant_a)
        db.session.add(OfficialProfile(user_id=official.id, agency=POLICE))
        for number, sent in enumerate((vn(6), vn(7), None)):  # the third is not sent yet
            db.session.add(InternalNotice(user_id=official.id, kind="meeting", title="Họp giao ban",
                                          ack_code=f"AK{number}", sent_at=sent))
        factories.create_follower("f1", followed_at=vn(20, month=9))
        factories.create_follower("f2", followed_at=vn(5))
        factories.create_follower("f3", followed_at=vn(7), unfollowed_at=vn(15))
        factories.create_follower("f4", followed_at=vn(1, month=9), unfollowed_at=vn(10))
    with as_tenant(tenant_b):
        b1 = finished_dossier(f"B-{CANARY}", "9.999999", received=2, due=3, completed=20, status=10)
        factories.create_delivery("transaction", "sent", vn(2), sent_at=vn(2), dossier_id=b1.id,
                                  zalo_user_id=B_CITIZEN)
        factories.create_rating(b1, 1, vn(21), agency=f"UBND {CANARY}")
        factories.create_feedback(f"PA-{CANARY}", vn(2), content=CANARY, assigned_agency=f"UBND {CANARY}",
                                  submitter_name=CANARY, deadline_reject_at=vn(3), deadline_answer_at=vn(3))
        factories.create_follower(B_CITIZEN, followed_at=vn(2), display_name=CANARY)
    return October([d1, d2, d4])



@pytest.fixture
def english(app):
    """Service code that builds labels (gettext) in a request read in English."""
    with app.test_request_context("/?lang=en"):
        yield
