"""Fixtures for the operator console: signed-in clients, the national registry, citizens' rows to look for.

Pages are read in English (`?lang=en`, kept in the session) so that the assertions hold whatever the
Vietnamese catalogue says.
"""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.pump import PUMP_ACCESS
from platform_core.delivery.sweeper import ACCESS as SWEEPER_ACCESS
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_DEFAULT
from platform_core.jobs.worker import build_worker
from platform_core.onboarding.models import GoLiveRequest
from platform_core.provisioning.sync import read_sources, upsert_provinces
from platform_core.tenancy.models import Province
from platform_core.zalo.intake import INTAKE_ACCESS
from platform_core.zalo.models import Follower, ZaloConnection
from tests import factories
from tests.auth.support import isolated_client, sign_in
from tests.conftest import CANARY, as_tenant
from tests.operator import failing_jobs

# A citizen of tenant B whose data must never reach an operator page.
CITIZEN_PHONE = "0987654321"
CITIZEN_PHONE_E164 = "+84987654321"
CITIZEN_NAME = f"Trần Thị {CANARY}"
CITIZEN_ZALO_ID = "5550001112223334"
DOSSIER_CODE = "H48.99.01.02-260101-0042"


def signed_in(app, user):
    client = isolated_client(app)
    assert sign_in(client, user.email).status_code == 302
    client.get("/?lang=en")
    return client


@pytest.fixture
def operator(app):
    return factories.create_user("ops@motcua.vn", full_name="Người Vận Hành", operator=True)


@pytest.fixture
def operator_client(app, operator):
    return signed_in(app, operator)


@pytest.fixture
def admin_client(app, tenant_a):
    """A province administrator of tenant A: not an operator."""
    return signed_in(app, factories.create_user("admin-a@motcua.vn", tenant=tenant_a, role="admin"))


@pytest.fixture(scope="session")
def registry(app) -> dict:
    """The 34 provinces as `flask tenants sync` reads them from tenants/ (read once per run)."""
    with app.app_context():
        return read_sources(Path(app.config["TENANTS_DIR"])).provinces


@pytest.fixture
def provinces(registry):
    """The national registry loaded (inside the test's rolled-back transaction)."""
    upsert_provinces(registry)
    db.session.flush()
    return db.session.scalars(select(Province).order_by(Province.slug)).all()


def add_delivery(state: str, created_at=None, sent_at=None, updated_at=None, phone=CITIZEN_PHONE_E164,
                 zalo_user_id=CITIZEN_ZALO_ID) -> Delivery:
    """A notification and its delivery for the tenant in context, in the given state."""
    now = utcnow()
    notification = Notification(event_kind="received", idempotency_key=f"test-{uuid.uuid4().hex}",
                                context={"applicant_name": CITIZEN_NAME, "code": DOSSIER_CODE})
    db.session.add(notification)
    db.session.flush()
    delivery = Delivery(notification_id=notification.id, recipient_phone=phone, recipient_zalo_user_id=zalo_user_id,
                        state=state, created_at=created_at or now, sent_at=sent_at,
                        error_message=f"user {zalo_user_id} {CITIZEN_NAME}" if state == "failed" else None)
    db.session.add(delivery)
    db.session.flush()
    if updated_at is not None:
        delivery.updated_at = updated_at
        db.session.flush()
    return delivery


@pytest.fixture
def citizen_rows(tenant_b):
    """Tenant B's citizen everywhere a careless console could show them: a dossier, deliveries (one failed),
    a follower, a Zalo error, a go-live checklist."""
    with as_tenant(tenant_b):
        factories.create_dossier(DOSSIER_CODE, applicant={"name": CITIZEN_NAME, "phone": CITIZEN_PHONE})
        add_delivery("pending", created_at=utcnow() - timedelta(minutes=30))
        add_delivery("failed")
        add_delivery("sent", sent_at=utcnow())
        db.session.add(Follower(zalo_user_id=CITIZEN_ZALO_ID, display_name=CITIZEN_NAME,
                                phone_e164=CITIZEN_PHONE_E164, is_follower=True))
        db.session.add(ZaloConnection(status="reconnect_needed", oa_name="OA Đà Nẵng",
                                      last_error=f"refresh failed for {CITIZEN_ZALO_ID} '{CITIZEN_NAME}'",
                                      last_error_at=utcnow()))
        db.session.add(GoLiveRequest(checklist={
            "zalo_connected": True,
            "test_message_delivered": {"ok": True, "note": f"sent to {CITIZEN_PHONE} ({CITIZEN_ZALO_ID})"},
            "two_admins": False,
        }))
        db.session.flush()


def every_citizen_value() -> list[str]:
    return [CANARY, CITIZEN_PHONE, CITIZEN_PHONE_E164, "987654321", CITIZEN_ZALO_ID, DOSSIER_CODE, "Trần Thị"]


# What the background processes note as their standing cross-tenant reads: a pump or sweeper that another test
# started on this database (tests/zalo/test_fair_events.py does, on PostgreSQL) commits them beside ours.
BACKGROUND_READS = {PUMP_ACCESS, INTAKE_ACCESS, SWEEPER_ACCESS}


def platform_events(action: str) -> list[PlatformAuditEvent]:
    events = db.session.scalars(
        select(PlatformAuditEvent).where(PlatformAuditEvent.action == action)
        .order_by(PlatformAuditEvent.created_at)
    ).all()
    return [event for event in events if (event.details or {}).get("reason") not in BACKGROUND_READS]


def failed_registry() -> FailedJobRegistry:
    return FailedJobRegistry(QUEUE_DEFAULT, connection=get_redis(), serializer=JSONSerializer)


@pytest.fixture
def failed_job(app, tenant_b):
    """Tenant B's job about the citizen, run by a real (in-process) RQ worker until it fails; removed after."""
    queue = open_queue(QUEUE_DEFAULT)
    queue.empty()
    with as_tenant(tenant_b):
        job = failing_jobs.notify_citizen.enqueue(CITIZEN_PHONE, CITIZEN_NAME)
    db.session.commit()  # the worker's job wrapper ends with session.remove(): keep the test's rows
    build_worker(app, [QUEUE_DEFAULT], get_redis(), simple=True).work(burst=True)
    assert job.id in failed_registry().get_job_ids()
    yield job
    failed_registry().remove(job.id)
    queue.empty()
    get_redis().delete(job.key)
