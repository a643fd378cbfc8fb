"""The job bench/enqueue.py enqueues. In a module of its own because RQ refuses functions from `__main__`."""

from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_DEFAULT


@job(queue=QUEUE_DEFAULT, timeout=30)
def noop(i: int) -> None:
    return None
