"""Jobs used by the worker tests (imported by the real RQ worker process by their dotted path)."""

import os
import time

from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.catalogue.models import Procedure
from platform_core.db.tenant_context import current_tenant
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_MAINTENANCE, QUEUE_ZALO_TX


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


@job(cross_tenant=True)
def backlog_item(seconds: float) -> None:
    """One job of a backlog on the default queue."""
    time.sleep(seconds)


@job(queue=QUEUE_MAINTENANCE, cross_tenant=True)
def stamp_when_run(key: str) -> None:
    """Writes the time it ran to Redis `key`."""
    get_redis().set(key, time.time(), ex=600)


@job()
def where_am_i() -> dict:
    return {"pid": os.getpid(), "parent": os.getppid()}


@job(queue=QUEUE_ZALO_TX)
def where_is_the_delivery_job() -> dict:
    from platform_core.zalo.client_registry import zalo_client

    return {"pid": os.getpid(), "parent": os.getppid(), "client": id(zalo_client()), "engine": id(db.engine.pool)}
