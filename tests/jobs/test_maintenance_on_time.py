"""Maintenance jobs run on time whatever the backlog (issue 12 item 7): with the worker processes `make run`
starts (scripts/run_dev.py, real RQ workers on real Redis), a maintenance job enqueued behind a long backlog on
the default queue runs within seconds, while that backlog is still there. One worker serving every queue in
order, maintenance last, ran it only when the backlog was gone (22 minutes in a 10,000-event burst)."""

import os
import signal
import subprocess
import time

import pytest
from rq import Queue, Worker
from rq.scheduler import SCHEDULER_LOCKING_KEY_TEMPLATE

from platform_core.jobs.connection import get_redis
from platform_core.jobs.queues import QUEUE_DEFAULT
from scripts.run_dev import process_specs
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.jobs.sample_jobs import backlog_item, stamp_when_run
from tests.migrated_sqlite import migrated_sqlite
from tests.pipeline.stack import REPO_ROOT

BACKLOG, SECONDS_EACH = 300, 0.05  # at least 15 s of work for one worker
ON_TIME_SECONDS = 5


@pytest.fixture
def make_run_workers(tmp_path, redis_url):
    """The RQ worker processes `make run` starts, on a database of their own."""
    env = os.environ | {"DATABASE_URL": migrated_sqlite(tmp_path / "db.sqlite3"), "REDIS_URL": redis_url,
                        "SECRET_KEY": "test-secret-key", "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
                        "MOTCUA_INSTANCE_PATH": str(tmp_path / "instance")}
    workers = [spec for spec in process_specs(5000, 5001) if spec.argv[-1] == "worker" or "--queues" in spec.argv]
    processes = [subprocess.Popen(spec.argv, cwd=REPO_ROOT, env=env, start_new_session=True,  # noqa: S603
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for spec in workers]
    _wait_until_registered({process.pid for process in processes})
    yield [spec.name for spec in workers]
    for process in processes:
        os.killpg(process.pid, signal.SIGKILL)
    for process in processes:
        process.wait(timeout=30)
    Queue(QUEUE_DEFAULT, connection=get_redis()).empty()
    # Killed, their schedulers left their locks for a minute: a later test's worker would schedule no retry.
    for lock in get_redis().scan_iter(SCHEDULER_LOCKING_KEY_TEMPLATE % "*"):
        get_redis().delete(lock)


def _wait_until_registered(pids: set[int], timeout: float = 60) -> None:
    """Until the worker processes `pids` have registered with Redis (they take seconds to start)."""
    deadline = time.monotonic() + timeout
    while not pids <= {worker.pid for worker in Worker.all(connection=get_redis())}:
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.1)


def _wait_for(key: str, timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = get_redis().get(key)
        if value is not None:
            return float(value)
        time.sleep(0.05)
    return None


@pytest.mark.alone  # measures time
def test_a_maintenance_job_runs_within_seconds_behind_a_long_backlog(make_run_workers):
    for _ in range(BACKLOG):
        backlog_item.enqueue(SECONDS_EACH)
    key = f"motcua:test:maintenance-ran:{time.time()}"
    enqueued_at = time.time()
    stamp_when_run.enqueue(key)

    ran_at = _wait_for(key, timeout=ON_TIME_SECONDS * 3)
    assert ran_at is not None, f"the maintenance job waited more than {ON_TIME_SECONDS * 3} s ({make_run_workers})"
    assert ran_at - enqueued_at < ON_TIME_SECONDS
    assert Queue(QUEUE_DEFAULT, connection=get_redis()).count > BACKLOG // 2  # the backlog was still there
