"""The nightly retention purge: one job per tenant, fanned out by a platform job the scheduler runs hourly,
which does its work only in the night hour (02:00 in Vietnam): the scheduler's slots are UTC-aligned. The platform
job also sweeps result files that no province's row names (results/storage.py), which no tenant's purge can see."""

from datetime import datetime

from platform_core.clock import VIETNAM
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.fanout import for_each_tenant
from platform_core.jobs.queues import QUEUE_MAINTENANCE

PURGE_HOUR = 2  # Vietnam time: quiet, and before the 06:00 sending window opens


@job(queue=QUEUE_MAINTENANCE, timeout=1800)
def purge_expired_data() -> dict:
    """In one tenant: apply its retention periods (citizens/retention.py)."""
    from platform_core.citizens.retention import purge

    counts = purge()
    db.session.commit()
    return counts


@job(queue=QUEUE_MAINTENANCE, cross_tenant=True)
def purge_expired_data_everywhere(now: str | None = None) -> int:
    """Enqueue every tenant's purge when it is the night hour in Vietnam; returns how many were enqueued.
    `now` (ISO 8601) stands for the current time."""
    moment = datetime.fromisoformat(now) if now else datetime.now(VIETNAM)
    if moment.astimezone(VIETNAM).hour != PURGE_HOUR:
        return 0
    from platform_core.results.service import sweep_orphan_files

    sweep_orphan_files()
    db.session.commit()
    return for_each_tenant(purge_expired_data, "citizens: nightly retention purge")
