"""The periodic-job loop enqueues each job once per interval, however many schedulers run, and outlives Redis
outages."""

import os
import signal
import subprocess
import time
from pathlib import Path

import redis
from rq import Queue

from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_MAINTENANCE
from platform_core.jobs.scheduler import PERIODIC_JOBS, enqueue_due
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.pipeline.stack import FLASK, REPO_ROOT, RestartableRedis


def test_each_job_is_enqueued_once_per_slot(app):
    queue = open_queue(QUEUE_MAINTENANCE)
    queue.empty()
    now = 1_900_000_000.0  # a fixed instant: slot keys are per interval
    first = enqueue_due(now)
    again = enqueue_due(now + 1)  # a second scheduler (or the next tick) in the same slot
    later = enqueue_due(now + 61)
    assert sorted(first) == sorted(name for name, _ in PERIODIC_JOBS)
    assert again == []
    minutely_or_more_often = sorted(name for name, interval in PERIODIC_JOBS if interval <= 60)
    assert sorted(later) == minutely_or_more_often
    jobs = queue.jobs
    assert len(jobs) == len(PERIODIC_JOBS) + len(minutely_or_more_often)
    assert all(job.id.startswith("platform-") for job in jobs)
    queue.empty()


# --- a real `flask scheduler` through a Redis outage -------------------------------------------------------

def _start_scheduler(app_config, redis_url: str, log_path: Path) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"], "DATABASE_OWNER_URL": app_config["DATABASE_OWNER_URL"],
        "REDIS_URL": redis_url, "SECRET_KEY": "test-secret-key", "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
        "MOTCUA_INSTANCE_PATH": app_config["INSTANCE_PATH"], "PYTHONUNBUFFERED": "1",
    }
    with open(log_path, "wb") as output:
        return subprocess.Popen([FLASK, "--app", "wsgi", "scheduler"], cwd=REPO_ROOT, env=env,  # noqa: S603
                                stdout=output, stderr=output, start_new_session=True)


def _queued(redis_url: str) -> int:
    try:
        return Queue(QUEUE_MAINTENANCE, connection=redis.Redis.from_url(redis_url, socket_timeout=1)).count
    except redis.RedisError:
        return 0


def _wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f}s"
        time.sleep(0.05)
    return result


def test_the_scheduler_waits_out_a_redis_outage_and_resumes_its_schedule(app_config, tmp_path):
    """The bundled Redis is killed under a running scheduler and started again on the same port (empty, as
    after a crash without persistence): the scheduler stays up, says so once, and enqueues every job again."""
    server = RestartableRedis(tmp_path / "redis").start()
    log_path = tmp_path / "scheduler.log"
    scheduler = _start_scheduler(app_config, server.url, log_path)
    try:
        _wait_for(lambda: _queued(server.url) >= len(PERIODIC_JOBS), 60, "first round of periodic jobs")
        server.stop()
        _wait_for(lambda: scheduler.poll() is not None or b"Redis unavailable" in log_path.read_bytes(), 30,
                  "the scheduler noticing the outage")
        assert scheduler.poll() is None, log_path.read_text()[-3000:]

        server.start()
        _wait_for(lambda: _queued(server.url) >= len(PERIODIC_JOBS), 30, "periodic jobs after Redis came back")
        # Said once the round that enqueued them ends: the queue can be full a moment before the line is written.
        _wait_for(lambda: b"Redis is back" in log_path.read_bytes(), 10, "the scheduler saying Redis is back")
        assert scheduler.poll() is None, log_path.read_text()[-3000:]
    finally:
        if scheduler.poll() is None:
            os.killpg(scheduler.pid, signal.SIGTERM)
        scheduler.wait(timeout=30)
        server.stop()
    assert scheduler.returncode == 0  # SIGTERM ends it cleanly
