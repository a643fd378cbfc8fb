"""Queue depths and failed jobs from real RQ (a failing job run by a worker), with retry from the page."""

import socket

import redis
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_DEFAULT
from tests.conftest import as_tenant
from tests.operator import failing_jobs
from tests.operator.conftest import (
    CITIZEN_NAME,
    CITIZEN_PHONE,
    every_citizen_value,
    failed_registry,
    platform_events,
)


def test_queue_depths_are_shown(operator_client, tenant_b):
    queue = open_queue(QUEUE_DEFAULT)
    queue.empty()
    with as_tenant(tenant_b):
        for _ in range(2):
            failing_jobs.notify_citizen.enqueue(CITIZEN_PHONE, CITIZEN_NAME)
    try:
        page = operator_client.get("/operator/queues").get_data(as_text=True)
    finally:
        queue.empty()
    assert '<th scope="row"><code>default</code></th><td>2</td>' in page
    for name in ("zalo-tx", "zalo-bulk", "maintenance"):
        assert f"<code>{name}</code>" in page
    assert CITIZEN_PHONE not in page


def test_a_failed_job_shows_function_tenant_time_and_masked_error(operator_client, failed_job):
    page = operator_client.get("/operator/queues").get_data(as_text=True)
    assert "tests.operator.failing_jobs.notify_citizen" in page
    assert "Đà Nẵng" in page
    assert "LookupError: no Zalo account for ••• (•••)" in page
    for value in every_citizen_value():
        assert value not in page, value
    assert f'action="/operator/queues/default/jobs/{failed_job.id}/retry"' in page


def test_retry_puts_the_job_back_on_its_queue_and_is_audited(operator_client, operator, failed_job, tenant_b):
    response = operator_client.post(f"/operator/queues/default/jobs/{failed_job.id}/retry")
    assert response.status_code == 302
    job = Job.fetch(failed_job.id, connection=get_redis(), serializer=JSONSerializer)
    assert job.get_status() == JobStatus.QUEUED
    assert failed_job.id in open_queue(QUEUE_DEFAULT).job_ids
    assert failed_job.id not in failed_registry().get_job_ids()
    assert job.meta["tenant_id"] == str(tenant_b.id)  # the same job, still its tenant's
    [event] = platform_events("failed_job_requeued")
    assert event.actor_id == operator.id and event.details == {
        "queue": "default", "job_id": failed_job.id, "function": "tests.operator.failing_jobs.notify_citizen",
        "tenant_id": str(tenant_b.id)}
    page = operator_client.get("/operator/queues").get_data(as_text=True)
    assert "is back on the default queue" in page


def test_retrying_a_job_that_is_not_failed_is_refused(operator_client, failed_job):
    operator_client.post(f"/operator/queues/default/jobs/{failed_job.id}/retry")
    response = operator_client.post(f"/operator/queues/default/jobs/{failed_job.id}/retry", follow_redirects=True)
    assert "This job is no longer among the failed jobs." in response.get_data(as_text=True)
    assert len(platform_events("failed_job_requeued")) == 1


def test_a_job_of_another_queue_or_an_unknown_queue(operator_client, failed_job):
    response = operator_client.post(f"/operator/queues/zalo-tx/jobs/{failed_job.id}/retry", follow_redirects=True)
    assert "This job is no longer among the failed jobs." in response.get_data(as_text=True)
    assert failed_job.id in failed_registry().get_job_ids()
    assert operator_client.post(f"/operator/queues/nope/jobs/{failed_job.id}/retry").status_code == 404


def test_an_unreachable_queue_server_is_said_plainly(operator_client, app, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.extensions, "motcua_redis",
                        redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5))
    response = operator_client.get("/operator/queues")
    assert response.status_code == 503
    assert "The queue server (Redis) cannot be reached." in response.get_data(as_text=True)
