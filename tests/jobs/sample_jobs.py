"""Jobs used by the worker tests (imported by the real RQ worker process by their dotted path)."""

from sqlalchemy import select

from platform_core.auth.audit import record_event
from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_MAINTENANCE
from platform_core.tenancy.context import current_tenant


@job()
def list_procedure_names() -> dict:
    tenant = current_tenant()
    names = db.session.scalars(select(Procedure.name).order_by(Procedure.name)).all()
    return {"tenant": tenant.slug if tenant else None, "names": names}


@job()
def write_audit_event(action: str) -> str:
    event = record_event(action)
    db.session.commit()
    return str(event.tenant_id)


@job(queue=QUEUE_MAINTENANCE, cross_tenant=True)
def platform_job_that_reads_tenant_data() -> int:
    return len(db.session.scalars(select(Procedure)).all())
