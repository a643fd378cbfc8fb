"""Job throughput through the app's job layer, on the bundled Redis (a private redis-server, stopped at the end).

- enqueue: `noop.enqueue(i)` for a `@job`-decorated no-op, inside a tenant context (the job carries the
  tenant), against plain `rq.Queue.enqueue` of the same function for comparison;
- drain: the app's SimpleWorker (`build_worker(..., simple=True)`, as `flask worker --simple` runs it) in burst
  mode (app context, tenant lookup and tenant context around every job), against plain rq's SimpleWorker.

Bounded by --max-seconds per phase. Prints figures, asserts nothing.

    python bench/enqueue.py [--jobs 2000] [--drain-jobs 1000] [--max-seconds 30]
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from rq import Queue, SimpleWorker  # noqa: E402
from rq.registry import FailedJobRegistry, FinishedJobRegistry  # noqa: E402
from rq.serializers import JSONSerializer  # noqa: E402

from platform_core import create_app  # noqa: E402
from platform_core.db.migrations import upgrade  # noqa: E402
from platform_core.db.tenant_context import TenantRef, tenant_context  # noqa: E402
from platform_core.extensions import db  # noqa: E402
from platform_core.jobs.connection import get_redis  # noqa: E402
from platform_core.jobs.decorators import open_queue  # noqa: E402
from platform_core.jobs.embedded_redis import start_server  # noqa: E402
from platform_core.jobs.queues import QUEUE_DEFAULT  # noqa: E402
from platform_core.jobs.worker import build_worker  # noqa: E402
from platform_core.tenancy.models import Tenant  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from noop_job import noop  # noqa: E402


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>8,.0f} jobs/s  ({count} jobs in {seconds:.2f} s)"


def enqueue_many(enqueue_one, count: int, budget: float) -> tuple[int, float]:
    deadline = time.monotonic() + budget
    start = time.perf_counter()
    done = 0
    while done < count and time.monotonic() < deadline:
        enqueue_one(done)
        done += 1
    return done, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description="enqueue and SimpleWorker drain rates on the bundled Redis")
    parser.add_argument("--jobs", type=int, default=2000, help="jobs to enqueue per variant")
    parser.add_argument("--drain-jobs", type=int, default=1000, help="jobs for the worker to drain")
    parser.add_argument("--max-seconds", type=float, default=30.0, help="time budget per phase")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        redis_process, redis_url = start_server(Path(tmp) / "redis")
        try:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            app = create_app({
                "INSTANCE_PATH": str(Path(tmp) / "instance"),
                "SECRET_KEY": "bench",
                "ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
                "SQLALCHEMY_DATABASE_URI": url,
                "DATABASE_OWNER_URL": url,
                "REDIS_URL": redis_url,
            })
            with app.app_context():
                upgrade()
                tenant = Tenant(slug="bench-a", name="Bench A", status="live")
                db.session.add(tenant)
                db.session.commit()
                ref = TenantRef(tenant.id, tenant.slug)
                db.session.remove()
                run(app, ref, args)
                db.engine.dispose()
        finally:
            redis_process.terminate()
            redis_process.wait(timeout=10)


def run(app, ref: TenantRef, args) -> None:
    connection = get_redis()
    print(f"bench/enqueue.py: bundled redis-server at {connection.connection_pool.connection_kwargs['port']}, "
          f"job {noop.__module__}.{noop.__name__} (no-op)")

    plain = Queue("bench-plain", connection=connection, serializer=JSONSerializer)
    with tenant_context(ref):
        for i in range(50):  # warm up both paths
            noop.enqueue(i)
            plain.enqueue(noop, args=(i,))
        open_queue(QUEUE_DEFAULT).empty()
        plain.empty()

        n, seconds = enqueue_many(lambda i: plain.enqueue(noop, args=(i,)), args.jobs, args.max_seconds)
        plain_line = rate(n, seconds)
        plain.empty()
        n, seconds = enqueue_many(lambda i: noop.enqueue(i), args.jobs, args.max_seconds)
        job_line = rate(n, seconds)
        open_queue(QUEUE_DEFAULT).empty()
    print("enqueue, one process:")
    print(f"  @job .enqueue() (tenant meta, UUIDv7 id)  {job_line}")
    print(f"  plain rq Queue.enqueue()                  {plain_line}")

    with tenant_context(ref):
        n, _ = enqueue_many(lambda i: noop.enqueue(i), args.drain_jobs, args.max_seconds)
    worker = build_worker(app, [QUEUE_DEFAULT], connection, simple=True)
    start = time.perf_counter()
    worker.work(burst=True, max_jobs=n, logging_level="WARNING", with_scheduler=False)
    seconds = time.perf_counter() - start
    queue = open_queue(QUEUE_DEFAULT)
    finished = FinishedJobRegistry(queue=queue).count
    failed = FailedJobRegistry(queue=queue).count
    print("drain, SimpleWorker in burst mode:")
    print(f"  app worker (app + tenant context per job)  {rate(finished, seconds)}; failed: {failed}")

    n, _ = enqueue_many(lambda i: plain.enqueue(noop, args=(i,)), args.drain_jobs, args.max_seconds)
    bare = SimpleWorker([plain], connection=connection, serializer=JSONSerializer)
    start = time.perf_counter()
    bare.work(burst=True, max_jobs=n, logging_level="WARNING", with_scheduler=False)
    seconds = time.perf_counter() - start
    finished = FinishedJobRegistry(queue=plain).count
    failed = FailedJobRegistry(queue=plain).count
    print(f"  plain rq SimpleWorker                      {rate(finished, seconds)}; failed: {failed}")


if __name__ == "__main__":
    main()
