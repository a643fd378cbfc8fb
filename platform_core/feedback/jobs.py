"""The periodic overdue sweep: a cross-tenant job fans out one job per tenant (jobs/fanout.py)."""

from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.fanout import for_each_tenant
from platform_core.jobs.queues import QUEUE_MAINTENANCE


@job(queue=QUEUE_MAINTENANCE, timeout=60, cross_tenant=True)
def flag_overdue_feedback_everywhere() -> int:
    return for_each_tenant(flag_overdue_feedback, "feedback: flag overdue items")


@job(queue=QUEUE_MAINTENANCE, timeout=300)
def flag_overdue_feedback() -> int:
    from platform_core.feedback.service import flag_overdue

    flagged = flag_overdue()
    db.session.commit()
    return len(flagged)
