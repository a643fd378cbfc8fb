"""Jobs run by a real RQ worker process against real Redis, each inside its tenant's context."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from rq.job import Job, JobStatus
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.db.tenant_context import TenantContextMissing
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import enqueue_job
from tests.conftest import CANARY, TEST_ENCRYPTION_KEY, as_tenant
from tests.jobs import sample_jobs

REPO_ROOT = Path(__file__).resolve().parents[2]


def run_worker_until_queues_are_empty(app_config, timeout: float = 60) -> None:
    """`flask worker --burst` in its own process, configured like the test app."""
    env = os.environ | {
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "DATABASE_OWNER_URL": app_config["DATABASE_OWNER_URL"],
        "REDIS_URL": app_config["REDIS_URL"],
        "SECRET_KEY": "test-secret-key",
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
        "MOTCUA_INSTANCE_PATH": app_config["INSTANCE_PATH"],
    }
    flask = str(Path(sys.executable).with_name("flask"))
    completed = subprocess.run(
        [flask, "--app", "wsgi", "worker", "--burst", "--without-scheduler"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]


def fetch(job) -> Job:
    return Job.fetch(job.id, connection=get_redis(), serializer=job.serializer)


def test_job_runs_in_the_tenant_it_was_enqueued_in(app_config, tenant_a, tenant_b):
    with as_tenant(tenant_a):
        job_a = sample_jobs.list_procedure_names.enqueue()
    with as_tenant(tenant_b):
        job_b = sample_jobs.list_procedure_names.enqueue()
    run_worker_until_queues_are_empty(app_config)
    result_a, result_b = fetch(job_a).return_value(), fetch(job_b).return_value()
    assert result_a["tenant"] == "bac-ninh" and len(result_a["names"]) == 2
    assert not any(CANARY in name for name in result_a["names"])
    assert result_b["tenant"] == "da-nang" and all(CANARY in name for name in result_b["names"])


def test_job_ids_and_meta_carry_the_tenant(tenant_a):
    with as_tenant(tenant_a):
        job = sample_jobs.list_procedure_names.enqueue()
    assert job.id.startswith(tenant_a.id.hex)
    assert job.meta["tenant_id"] == str(tenant_a.id)
    job.cancel()
    job.delete()


def test_explicit_tenant_id_works_outside_a_context(tenant_b):
    job = sample_jobs.list_procedure_names.enqueue(tenant_id=tenant_b.id)
    assert job.meta["tenant_id"] == str(tenant_b.id)
    job.delete()


def test_enqueue_without_a_tenant_is_refused():
    with pytest.raises(TenantContextMissing):
        sample_jobs.list_procedure_names.enqueue()


def test_a_platform_job_cannot_read_tenant_data(app_config):
    job = sample_jobs.platform_job_that_reads_tenant_data.enqueue()
    assert job.id.startswith("platform-")
    run_worker_until_queues_are_empty(app_config)
    finished = fetch(job)
    assert finished.get_status() == JobStatus.FAILED
    assert "TenantContextMissing" in finished.latest_result().exc_string


def test_job_writes_land_in_its_tenant(app_config, tenant_a, tenant_b, committed_data, db_session):
    with as_tenant(tenant_a):
        job = sample_jobs.write_audit_event.enqueue("probe-from-job")
    run_worker_until_queues_are_empty(app_config)
    assert fetch(job).return_value() == str(tenant_a.id)
    db_session.remove()
    with as_tenant(tenant_b):
        assert db_session.scalars(select(AuditEvent).where(AuditEvent.action == "probe-from-job")).all() == []
    with as_tenant(tenant_a):
        assert len(db_session.scalars(select(AuditEvent).where(AuditEvent.action == "probe-from-job")).all()) == 1


def test_delivery_jobs_run_in_the_worker_process_and_keep_its_pools(app_config, tenant_a):
    """No fork per job on the hot queues: the worker (our child) runs them itself, with the same Zalo client
    and database pool each time; other queues' jobs still get a work horse (the worker's child)."""
    with as_tenant(tenant_a):
        hot = [sample_jobs.where_is_the_delivery_job.enqueue() for _ in range(3)]
        other = sample_jobs.where_am_i.enqueue()
    run_worker_until_queues_are_empty(app_config)
    results = [fetch(job).return_value() for job in hot]
    assert {result["parent"] for result in results} == {os.getpid()}
    assert len({(result["pid"], result["client"], result["engine"]) for result in results}) == 1
    forked = fetch(other).return_value()
    assert forked["parent"] == results[0]["pid"] and forked["pid"] != results[0]["pid"]


def test_a_job_of_a_tenant_that_no_longer_exists_fails_without_stopping_the_worker(app_config, tenant_a):
    """A delivery job runs in the worker's own process: one whose tenant is gone (merged away) must fail like any
    job, and the worker must go on with the next."""
    orphan = enqueue_job(sample_jobs.where_is_the_delivery_job, sample_jobs.where_is_the_delivery_job.job_spec,
                         (), {}, uuid.uuid4())
    with as_tenant(tenant_a):
        after = sample_jobs.where_is_the_delivery_job.enqueue()
    run_worker_until_queues_are_empty(app_config)
    assert fetch(orphan).get_status() == JobStatus.FAILED
    assert fetch(after).get_status() == JobStatus.FINISHED
