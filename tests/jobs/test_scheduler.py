"""The periodic-job loop enqueues each job once per interval, however many schedulers run."""

from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_MAINTENANCE
from platform_core.jobs.scheduler import PERIODIC_JOBS, enqueue_due


def test_each_job_is_enqueued_once_per_slot(app):
    queue = open_queue(QUEUE_MAINTENANCE)
    queue.empty()
    now = 1_900_000_000.0  # a fixed instant: slot keys are per interval
    first = enqueue_due(now)
    again = enqueue_due(now + 1)  # a second scheduler (or the next tick) in the same slot
    later = enqueue_due(now + 61)
    assert sorted(first) == sorted(name for name, _ in PERIODIC_JOBS)
    assert again == []
    every_minute = sorted(name for name, interval in PERIODIC_JOBS if interval == 60)
    assert sorted(later) == every_minute
    jobs = queue.jobs
    assert len(jobs) == len(PERIODIC_JOBS) + len(every_minute)
    assert all(job.id.startswith("platform-") for job in jobs)
    queue.empty()
