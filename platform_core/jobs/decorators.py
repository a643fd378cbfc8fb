"""`@job(...)`: a plain function becomes an RQ job that always carries its tenant.

    @job(queue=QUEUE_DEFAULT, timeout=30)
    def rebuild_index(procedure_code: str) -> int: ...

    rebuild_index.enqueue("1.004222")        # inside a tenant context: the job runs in that tenant
    rebuild_index.enqueue("x", tenant_id=t)  # or name the tenant explicitly

Jobs take ids and plain values (JSON serialiser), never ORM objects. A job without a tenant must say so
(`cross_tenant=True`, e.g. sweepers); any other enqueue with no tenant raises.
"""

import uuid
from dataclasses import dataclass

from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from platform_core.db.base import new_id
from platform_core.db.tenant_context import TenantContextMissing, current_tenant_id
from platform_core.jobs.connection import get_redis
from platform_core.jobs.queues import ALL_QUEUES, QUEUE_DEFAULT

TENANT_META_KEY = "tenant_id"
WAITING = (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.STARTED)
CROSS_TENANT_META_KEY = "cross_tenant"


@dataclass(frozen=True)
class JobSpec:
    queue: str
    timeout: int
    retries: int
    retry_intervals: tuple[int, ...]
    result_ttl: int
    failure_ttl: int
    cross_tenant: bool


def job(
    queue: str = QUEUE_DEFAULT,
    timeout: int = 60,
    retries: int = 0,
    retry_intervals: tuple[int, ...] = (30, 120),
    result_ttl: int = 3600,
    failure_ttl: int = 7 * 24 * 3600,
    cross_tenant: bool = False,
):
    if queue not in ALL_QUEUES:
        raise ValueError(f"unknown queue {queue!r}")
    spec = JobSpec(queue, timeout, retries, retry_intervals, result_ttl, failure_ttl, cross_tenant)

    def decorate(func):
        def enqueue(*args, tenant_id: uuid.UUID | None = None, **kwargs):
            return enqueue_job(func, spec, args, kwargs, tenant_id)

        func.job_spec = spec
        func.enqueue = enqueue
        return func

    return decorate


def open_queue(name: str) -> Queue:
    return Queue(name, connection=get_redis(), serializer=JSONSerializer)


def enqueue_job(func, spec: JobSpec, args, kwargs, tenant_id: uuid.UUID | None, job_key: str | None = None):
    """`job_key` names the job (with its tenant) instead of a random id, so that `are_waiting` can tell later
    whether it is still queued, scheduled for a retry or running."""
    fields = _job_fields(func, spec, args, kwargs, tenant_id, job_key)
    return open_queue(spec.queue).enqueue(func, args=args, kwargs=kwargs, job_id=fields["job_id"], meta=fields["meta"],
                                          job_timeout=spec.timeout, result_ttl=spec.result_ttl,
                                          failure_ttl=spec.failure_ttl, retry=fields["retry"])


def job_id(tenant_id: uuid.UUID | None, key: str) -> str:
    return f"{tenant_id.hex if tenant_id else 'platform'}-{key}"


def are_waiting(spec: JobSpec, named: list[tuple[uuid.UUID | None, str]]) -> list[bool]:
    """For each (tenant id, job key), whether the job enqueued with that key is still to run or running (queued,
    scheduled for a retry, deferred, started); False when Redis never had it, lost it, or it ended. One Redis
    round trip for all of them."""
    queue = open_queue(spec.queue)
    found = Job.fetch_many([job_id(tenant_id, key) for tenant_id, key in named], connection=queue.connection,
                           serializer=queue.serializer)
    return [job is not None and job.get_status(refresh=False) in WAITING for job in found]


def enqueue_many(calls) -> None:
    """Enqueue `(job function, args, tenant id, at_front)` calls in one Redis round trip (the pumps' batches), in
    the order given within each queue; those `at_front` go before every job already waiting there (a province
    with nothing at work does not wait behind the others' backlogs), still in the order given."""
    by_queue: dict[str, tuple[list, list]] = {}
    for func, args, tenant_id, at_front in calls:
        front, back = by_queue.setdefault(func.job_spec.queue, ([], []))
        (front if at_front else back).append(
            Queue.prepare_data(**_job_fields(func, func.job_spec, args, {}, tenant_id), at_front=at_front))
    pipe = get_redis().pipeline()
    for name, (front, back) in by_queue.items():
        open_queue(name).enqueue_many([*reversed(front), *back], pipeline=pipe)  # each pushed to the front
    pipe.execute()


def _job_fields(func, spec: JobSpec, args, kwargs, tenant_id: uuid.UUID | None, job_key: str | None = None) -> dict:
    """The job's fields as `Queue.prepare_data` names them: the tenant (given, or the one in context) in its id
    and meta."""
    tenant_id = tenant_id or current_tenant_id()
    if tenant_id is None and not spec.cross_tenant:
        raise TenantContextMissing(f"{func.__name__} enqueued without a tenant")
    return {
        "func": func, "args": args, "kwargs": kwargs, "job_id": job_id(tenant_id, job_key or new_id().hex),
        "meta": {TENANT_META_KEY: str(tenant_id) if tenant_id else None, CROSS_TENANT_META_KEY: spec.cross_tenant},
        "timeout": spec.timeout, "result_ttl": spec.result_ttl, "failure_ttl": spec.failure_ttl,
        "retry": Retry(max=spec.retries, interval=list(spec.retry_intervals)) if spec.retries else None,
    }
