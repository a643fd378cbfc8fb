"""RQ as the operator sees it: queue depths, failed jobs and their retry.

A failed job is shown by its function, its tenant, when it failed and the exception's last line (masked):
never its arguments, which may carry a citizen's data.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.serializers import JSONSerializer

from platform_core.audit.service import record_event
from platform_core.errors import FieldError
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import TENANT_META_KEY, open_queue
from platform_core.jobs.queues import ALL_QUEUES
from platform_core.operator.redact import last_line, redact

JOB_ID = re.compile(r"[A-Za-z0-9_-]+")  # the ids RQ accepts

FAILED_JOBS_SHOWN = 50  # per queue, most recent first
_NEVER = datetime.min.replace(tzinfo=UTC)


class RetryError(FieldError):
    """A retry refused: the queue is unknown or the job is no longer among the failed."""


@dataclass(frozen=True)
class QueueRow:
    name: str
    queued: int
    running: int
    failed: int


@dataclass(frozen=True)
class FailedJob:
    id: str
    queue: str
    function: str
    tenant_id: str | None
    failed_at: datetime | None
    error: str


def queue_depths() -> list[QueueRow]:
    rows = []
    for name in ALL_QUEUES:
        queue = open_queue(name)
        rows.append(QueueRow(name, queue.count, _started(name).count, _failed(name).count))
    return rows


def failed_jobs() -> list[FailedJob]:
    jobs = []
    for name in ALL_QUEUES:
        ids = _failed(name).get_job_ids(0, FAILED_JOBS_SHOWN - 1, desc=True)
        fetched = Job.fetch_many(ids, connection=get_redis(), serializer=JSONSerializer)
        jobs.extend(_describe(job, name) for job in fetched if job is not None)
    return sorted(jobs, key=lambda job: job.failed_at or _NEVER, reverse=True)


def _describe(job: Job, queue_name: str) -> FailedJob:
    result = job.latest_result()
    failed_at = job.ended_at or (result.created_at if result else None)
    return FailedJob(
        id=job.id, queue=queue_name, function=job.func_name or "",
        tenant_id=job.meta.get(TENANT_META_KEY), failed_at=_aware_utc(failed_at),
        error=redact(last_line(result.exc_string if result else None)),
    )


def _aware_utc(value: datetime | None) -> datetime | None:
    """RQ keeps UTC, sometimes without saying so."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def retry(queue_name: str, job_id: str, actor) -> FailedJob:
    """Put a failed job back on its queue (RQ's requeue: the same job, arguments and tenant)."""
    if queue_name not in ALL_QUEUES:
        raise RetryError("queue", f"unknown queue '{queue_name}'")
    if not JOB_ID.fullmatch(job_id):  # RQ raises ValueError on any other id: it cannot be one of its jobs
        raise RetryError("job", "this job is no longer among the failed jobs")
    registry = _failed(queue_name)
    try:
        job = Job.fetch(job_id, connection=get_redis(), serializer=JSONSerializer)
        described = _describe(job, queue_name)
        registry.requeue(job)
    except (NoSuchJobError, InvalidJobOperation):
        raise RetryError("job", "this job is no longer among the failed jobs") from None
    record_event("failed_job_requeued", actor=actor, platform=True, details={
        "queue": queue_name, "job_id": job_id, "function": described.function, "tenant_id": described.tenant_id,
    })
    return described


def _failed(name: str) -> FailedJobRegistry:
    return FailedJobRegistry(name, connection=get_redis(), serializer=JSONSerializer)


def _started(name: str) -> StartedJobRegistry:
    return StartedJobRegistry(name, connection=get_redis(), serializer=JSONSerializer)
