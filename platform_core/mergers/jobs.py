"""The merge job and the minute tick that resumes a merge whose job died or was waiting.

A Redis lock (the merge's id in the key) keeps one runner per merge; it expires LOCK_TTL after the runner's last
chunk, so a runner killed mid-run is replaced by the next tick, from the merge's saved cursor.
"""

import logging
import uuid

from sqlalchemy import select

from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_MAINTENANCE
from platform_core.mergers import service
from platform_core.mergers.constants import RUNNING
from platform_core.mergers.models import TenantMerge

log = logging.getLogger(__name__)
LOCK_TTL = 120  # seconds; far longer than one chunk takes


def lock_key(merge_id) -> str:
    return f"motcua:tenant-merge:{merge_id}"


@job(queue=QUEUE_MAINTENANCE, timeout=6 * 3600, cross_tenant=True)
def run_merge(merge_id: str, chunk_size: int | None = None) -> int:
    """Advance the merge until it is finished or must wait; returns the steps done (0 if another runner holds
    the merge)."""
    key, redis = lock_key(merge_id), get_redis()
    if not redis.set(key, "1", nx=True, ex=LOCK_TTL):
        return 0
    steps, merge_id = 0, uuid.UUID(merge_id)
    try:
        merge = db.session.get(TenantMerge, merge_id)
        if merge is None or merge.status != RUNNING:
            return 0
        service.record_run_access(merge)
        db.session.commit()
        while service.advance(merge.id, chunk_size):
            steps += 1
            redis.expire(key, LOCK_TTL)
        return steps
    except Exception as error:
        log.exception("tenant merge %s failed", merge_id)
        service.fail(merge_id, f"{type(error).__name__}: {error}")
        return steps
    finally:
        redis.delete(key)


@job(queue=QUEUE_MAINTENANCE, timeout=120, cross_tenant=True)
def resume_merges() -> int:
    """Enqueue a runner for each running merge that has none (killed, or waiting for its farewells)."""
    resumed = 0
    for merge_id in db.session.scalars(select(TenantMerge.id).where(TenantMerge.status == RUNNING)).all():
        if not get_redis().exists(lock_key(merge_id)):
            run_merge.enqueue(str(merge_id))
            resumed += 1
    return resumed
