"""Periodic work that runs per tenant: a cross-tenant scheduler job lists the tenants (ids only) and enqueues
one job per tenant, which then runs inside that tenant like any other job.

    @job(queue=QUEUE_MAINTENANCE, cross_tenant=True)
    def flag_overdue_feedback_everywhere() -> int:
        return for_each_tenant(flag_overdue_feedback, "feedback: flag overdue items")

    @job(queue=QUEUE_MAINTENANCE)
    def flag_overdue_feedback() -> int: ...   # runs in one tenant
"""

from sqlalchemy import select

from platform_core.db.cross_tenant import cross_tenant
from platform_core.extensions import db
from platform_core.tenancy.constants import STATUS_LIVE, STATUS_ONBOARDING, STATUS_TRIAL
from platform_core.tenancy.models import Tenant

# Tenants that have data to look after: being set up, in trial, or live (not invited, suspended or merged).
ACTIVE_STATUSES = (STATUS_ONBOARDING, STATUS_TRIAL, STATUS_LIVE)


def for_each_tenant(tenant_job, reason: str, *args, statuses=ACTIVE_STATUSES) -> int:
    """Enqueue `tenant_job(*args)` once for every tenant in `statuses`; returns how many were enqueued."""
    with cross_tenant(reason, audit=False):  # tenant ids only, every minute: not worth an audit row each time
        tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.status.in_(statuses))).all()
        db.session.commit()
    for tenant_id in tenant_ids:
        tenant_job.enqueue(*args, tenant_id=tenant_id)
    return len(tenant_ids)
