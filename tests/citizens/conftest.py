"""Fixtures for the citizens' rights tests: webhook texts processed like the worker does, signed-in admins,
the pipeline run in-process against the sandbox."""

import pytest
from sqlalchemy import select

from platform_core.delivery import pump
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import ALL_QUEUES, QUEUE_ZALO_BULK, QUEUE_ZALO_TX
from platform_core.zalo import jobs
from platform_core.zalo.models import ZaloEvent
from tests import factories
from tests.auth.support import isolated_client, sign_in
from tests.conftest import as_tenant
from tests.zalo.conftest import now_ms, signed, user_text

CITIZEN = "8000077"


@pytest.fixture(autouse=True)
def empty_queues(app):
    """Webhooks and pump ticks enqueue jobs in Redis, outside the rolled-back transaction; these tests run
    them in-process, so leave no job behind for a later test's worker to wade through."""
    yield
    with app.app_context():
        for name in ALL_QUEUES:
            open_queue(name).empty()


def process_webhook(client, tenant, body: dict, slug: str = "bac-ninh") -> ZaloEvent:
    """POST a signed webhook, then process the stored event as the worker would."""
    raw, headers = signed(body, slug=slug)
    assert client.post(f"/zalo/webhook/{slug}", data=raw, headers=headers).status_code == 200
    with as_tenant(tenant):
        event = db.session.scalars(select(ZaloEvent).order_by(ZaloEvent.received_at.desc())).first()
        jobs.process_event(str(event.id))
        db.session.refresh(event)
        return event


def write(client, tenant, text: str, user_id: str = CITIZEN, msg_id: str | None = None, **fields) -> ZaloEvent:
    body = user_text(text, user_id=user_id, msg_id=msg_id or f"m-{now_ms()}-{text}", **fields)
    return process_webhook(client, tenant, body)


def withdraw_body(user_id: str = CITIZEN, app_id: str = "1001001", oa_id: str = "3003001") -> dict:
    return {"app_id": app_id, "oa_id": oa_id, "user_id": user_id, "user_id_by_app": "a-" + user_id,
            "event_name": "user_withdraw", "timestamp": now_ms()}


def deliveries_to(tenant, user_id: str = CITIZEN) -> list[tuple[Notification, Delivery]]:
    with as_tenant(tenant):
        return list(db.session.execute(
            select(Notification, Delivery).join(Delivery, Delivery.notification_id == Notification.id)
            .where(Delivery.recipient_zalo_user_id == user_id).order_by(Notification.created_at)))


def run_pipeline(tenant) -> dict:
    """One pump tick, then every claimed batch (transactional and bulk) sent by the real sender, in this
    process as a worker would. Returns the rows claimed per class."""
    claimed = pump.tick()
    for queue_name in (QUEUE_ZALO_TX, QUEUE_ZALO_BULK):
        queue = open_queue(queue_name)
        for job in queue.jobs:  # a batch of the tenant's, or a wave of several tenants' (each in its own)
            with as_tenant(tenant):
                job.func(*job.args)
        queue.empty()
    return claimed


def signed_in(app, email: str, tenant, role: str = "admin"):
    factories.create_user(email, tenant=tenant, role=role)
    client = isolated_client(app)
    assert sign_in(client, email).status_code == 302
    client.get("/?lang=en")  # messages asserted in English: the Vietnamese catalogue is filled at merge time
    return client


@pytest.fixture
def admin_a(app, tenant_a):
    return signed_in(app, "citizens-admin@bac-ninh.vn", tenant_a)


@pytest.fixture
def admin_b(app, tenant_b):
    return signed_in(app, "citizens-admin@da-nang.vn", tenant_b)
