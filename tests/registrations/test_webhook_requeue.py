"""No webhook delivery is lost to Redis: a registration committed while Redis is unreachable is stored with its
pending delivery (the citizen's form is answered, not a 500); the scheduler's minute sweep (jobs.requeue_deliveries)
queues it once Redis answers, and a real RQ worker delivers it. A delivery whose job is waiting in Redis is never
queued twice, nor a young one whose job is being queued by its own commit."""

from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.embedded_redis import free_port
from platform_core.jobs.queues import QUEUE_DEFAULT
from platform_core.jobs.scheduler import PERIODIC_JOBS
from platform_core.jobs.worker import build_worker
from platform_core.registrations import jobs, links, service, webhook
from platform_core.registrations.constants import WEBHOOK_PENDING, WEBHOOK_SENT
from platform_core.registrations.models import WebhookDelivery
from tests import factories
from tests.clients import isolated_client
from tests.conftest import as_tenant

MARRIAGE = "9.000894"


@pytest.fixture(autouse=True)
def empty_default_queue(app):
    """Jobs other tests queued and never ran must not run here (nor ours after, retries waiting included)."""
    queue = open_queue(QUEUE_DEFAULT)
    _empty(queue)
    yield
    _empty(queue)


def _empty(queue) -> None:
    queue.empty()
    for registry in (queue.scheduled_job_registry, queue.failed_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)


def _deliveries(tenant) -> list[WebhookDelivery]:
    with as_tenant(tenant):
        db.session.expire_all()
        return list(db.session.scalars(select(WebhookDelivery)))


def _age(tenant, minutes: int) -> None:
    """As if the registration had been sent `minutes` ago."""
    with as_tenant(tenant):
        for delivery in db.session.scalars(select(WebhookDelivery)):
            delivery.created_at -= timedelta(minutes=minutes)
        db.session.flush()


def test_a_delivery_committed_with_redis_down_is_queued_by_the_sweep_and_delivered(app, tenant_a, receiver,
                                                                                   monkeypatch):
    with as_tenant(tenant_a):
        factories.create_procedure(MARRIAGE, "Đăng ký kết hôn")
        service.save_settings({MARRIAGE: ["full_name"]})
        webhook.configure(receiver.url)
        token = links.make_token(tenant_a.id, MARRIAGE, "8001")
    working = get_redis()
    monkeypatch.setitem(app.extensions, "motcua_redis", redis.Redis(port=free_port(), socket_connect_timeout=0.5))

    sent = isolated_client(app).post(f"/{tenant_a.slug}/dang-ky/{token}", data={"full_name": "Trần Thị Bình"})
    assert sent.status_code == 200 and "DK-" in sent.get_data(as_text=True)
    [delivery] = _deliveries(tenant_a)
    delivery_id = str(delivery.id)
    assert (delivery.status, delivery.attempts) == (WEBHOOK_PENDING, 0)

    monkeypatch.setitem(app.extensions, "motcua_redis", working)  # Redis is back
    assert open_queue(QUEUE_DEFAULT).count == 0  # nothing was queued at the commit
    assert jobs.requeue_deliveries() == 0  # a minute's grace: its own commit may still be queueing it
    _age(tenant_a, 2)
    assert jobs.requeue_deliveries() == 1
    assert jobs.requeue_deliveries() == 0  # its job is waiting: not queued twice
    assert open_queue(QUEUE_DEFAULT).count == 1

    build_worker(app, [QUEUE_DEFAULT], get_redis(), simple=True).work(burst=True, with_scheduler=False)
    [(headers, _body)] = receiver.requests
    assert headers["X-Motcua-Delivery"] == delivery_id
    [delivered] = _deliveries(tenant_a)
    assert (delivered.status, delivered.attempts) == (WEBHOOK_SENT, 1)
    assert jobs.requeue_deliveries() == 0


def test_a_retry_waiting_in_redis_is_left_alone_and_one_lost_keeps_its_count_of_attempts(app, tenant_a, receiver,
                                                                                         db_session):
    receiver.statuses = [503]
    with as_tenant(tenant_a):
        factories.create_procedure(MARRIAGE, "Đăng ký kết hôn")
        service.save_settings({MARRIAGE: ["full_name"]})
        webhook.configure(receiver.url)
        service.submit(links.make_token(tenant_a.id, MARRIAGE, "8001"), {"full_name": "A"}, tenant_a.id)
        db.session.commit()  # queues the job (after the commit)
    _age(tenant_a, 2)
    build_worker(app, [QUEUE_DEFAULT], get_redis(), simple=True).work(burst=True, with_scheduler=False)
    [delivery] = _deliveries(tenant_a)
    delivery_id = delivery.id
    assert (delivery.status, delivery.attempts) == (WEBHOOK_PENDING, 1)  # refused once, its retry scheduled
    assert jobs.requeue_deliveries() == 0

    open_queue(QUEUE_DEFAULT).scheduled_job_registry.remove(
        f"{tenant_a.id.hex}-registration-webhook-{delivery_id}", delete_job=True)  # Redis lost it
    assert jobs.requeue_deliveries() == 1
    [job] = open_queue(QUEUE_DEFAULT).get_jobs()
    assert job.retries_left == len(app.config["REGISTRATION_WEBHOOK_RETRY_SECONDS"]) - 1


def test_the_scheduler_runs_the_sweep_every_minute():
    assert ("platform_core.registrations.jobs.requeue_deliveries", 60) in PERIODIC_JOBS
