"""RQ workers that run each job inside the app context and the job's tenant context.

The delivery queues (zalo-tx, zalo-bulk) and the webhook events' batches (zalo-events) carry hundreds of jobs a
second at Zalo's ceiling or in a burst of citizens' messages: forking a work horse for each would cost more
than the batch's work (docs/architecture.md, performance notes: ~90 forked no-op jobs/s against ~440
in-process), and every horse would open new database connections and a new Zalo client. So `AppWorker` runs
those queues' jobs in its own process, keeping the app, its database pool and the Zalo client's connection pool
from one job to the next, and forks only for the other queues' jobs. Crash safety
does not rest on the horse: a killed worker leaves its rows `sending` or claimed, and the sweeper gives them
back, a `sending` batch within seconds once its heartbeat in Redis is gone (delivery/heartbeat.py, sweeper.py);
an event batch's claim is taken again once stale (zalo/intake.py).
"""

import traceback
import uuid
from contextlib import nullcontext

from rq import SimpleWorker, Worker
from rq.serializers import JSONSerializer

from platform_core.db.tenant_context import tenant_context
from platform_core.extensions import db
from platform_core.jobs.decorators import TENANT_META_KEY
from platform_core.jobs.queues import IN_PROCESS_QUEUES


class UnknownJobTenant(RuntimeError):
    pass


class AppContextMixin:
    """Pushes the Flask app context and the tenant named in `job.meta` around `perform_job`."""

    flask_app = None

    def perform_job(self, job, queue, execution):
        with self.flask_app.app_context():
            try:
                try:
                    tenant = self._tenant_context_for(job)
                except Exception:  # noqa: BLE001 - a job that cannot start fails like any job
                    # Raised here, outside RQ's own handling, it would stop a worker that runs jobs in-process (the
                    # delivery and event queues): one job of a tenant merged away would halt every province's.
                    self.handle_job_failure(job, queue, exc_string=traceback.format_exc(), execution=execution)
                    return False
                with tenant:
                    return super().perform_job(job, queue, execution)
            finally:
                db.session.remove()

    @staticmethod
    def _tenant_context_for(job):
        from platform_core.tenancy.service import tenant_ref_by_id

        raw = job.meta.get(TENANT_META_KEY)
        if raw is None:
            return nullcontext()  # no tenant: every tenant-scoped query in the job raises (fail-closed)
        ref = tenant_ref_by_id(uuid.UUID(raw))
        if ref is None:
            raise UnknownJobTenant(f"job {job.id} names tenant {raw}, which does not exist")
        return tenant_context(ref)


class AppWorker(AppContextMixin, Worker):
    """Runs the delivery queues' jobs in-process; forks a work horse for any other job, so that a crashing
    or leaking feature job cannot take the worker down."""

    def execute_job(self, job, queue):
        if queue.name in IN_PROCESS_QUEUES:
            return SimpleWorker.execute_job(self, job, queue)
        with self.flask_app.app_context():
            # The horse must not share pooled database connections with its parent.
            db.engine.dispose(close=False)
        return super().execute_job(job, queue)

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        """An in-process job sends no heartbeat while it runs (no horse to watch): cover its whole timeout."""
        if job.origin in IN_PROCESS_QUEUES:
            return SimpleWorker.get_heartbeat_ttl(self, job, working_time)
        return super().get_heartbeat_ttl(job, working_time)


class AppSimpleWorker(AppContextMixin, SimpleWorker):
    """Runs every job in-process (no fork): `flask worker --simple`, tests and benchmarks."""


def build_worker(app, queue_names, redis_connection, simple: bool = False, maintenance_interval: int = 60):
    worker_class = AppSimpleWorker if simple else AppWorker
    worker = worker_class(
        list(queue_names),
        connection=redis_connection,
        serializer=JSONSerializer,
        maintenance_interval=maintenance_interval,
    )
    worker.flask_app = app
    return worker
