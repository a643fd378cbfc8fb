"""The periodic job that writes API keys' `last_used_at` from the uses noted in Redis (usage.py)."""

from platform_core.apikeys import usage
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_MAINTENANCE


@job(queue=QUEUE_MAINTENANCE, timeout=120, cross_tenant=True)
def write_last_used() -> int:
    return usage.write_last_used()
