"""RQ workers that run each job inside the app context and the job's tenant context."""

import uuid
from contextlib import nullcontext

from rq import SimpleWorker, Worker
from rq.serializers import JSONSerializer

from platform_core.extensions import db
from platform_core.jobs.decorators import TENANT_META_KEY
from platform_core.tenancy.context import tenant_context


class UnknownJobTenant(RuntimeError):
    pass


class AppContextMixin:
    """Pushes the Flask app context and the tenant named in `job.meta` around `perform_job`."""

    flask_app = None

    def perform_job(self, job, queue, execution):
        with self.flask_app.app_context():
            try:
                with self._tenant_context_for(job):
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
    """Forks a work horse per job: a crashing or leaking job cannot take the worker down."""

    def execute_job(self, job, queue):
        with self.flask_app.app_context():
            # The horse must not share pooled database connections with its parent.
            db.engine.dispose(close=False)
        return super().execute_job(job, queue)


class AppSimpleWorker(AppContextMixin, SimpleWorker):
    """Runs jobs in-process (no fork): faster, used for development and batch-heavy queues."""


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
