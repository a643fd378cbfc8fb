"""The overdue sweep as the scheduler runs it: one job per tenant, each flagging its own tenant's feedback."""

from sqlalchemy import select

from platform_core.extensions import db
from platform_core.feedback.jobs import flag_overdue_feedback, flag_overdue_feedback_everywhere
from platform_core.feedback.models import Feedback
from platform_core.jobs.decorators import TENANT_META_KEY, open_queue
from platform_core.jobs.queues import QUEUE_MAINTENANCE
from platform_core.jobs.scheduler import PERIODIC_JOBS
from tests.conftest import as_tenant
from tests.feedback.conftest import zalo_feedback


def test_the_sweep_is_scheduled_and_fans_out_to_every_tenant(tenant_a, tenant_b):
    assert "platform_core.feedback.jobs.flag_overdue_feedback_everywhere" in dict(PERIODIC_JOBS)
    queue = open_queue(QUEUE_MAINTENANCE)
    queue.empty()
    assert flag_overdue_feedback_everywhere() >= 2
    tenants = {job.meta[TENANT_META_KEY] for job in queue.jobs if job.func_name.endswith("flag_overdue_feedback")}
    assert {str(tenant_a.id), str(tenant_b.id)} <= tenants
    queue.empty()


def test_the_tenant_job_flags_only_its_tenants_overdue_feedback(tenant_a, tenant_b):
    ours, theirs = zalo_feedback(tenant_a).id, zalo_feedback(tenant_b).id  # received 2/11/2026: overdue today
    with as_tenant(tenant_a):
        assert flag_overdue_feedback() == 1
        assert db.session.scalar(select(Feedback.overdue_flagged_at).where(Feedback.id == ours)) is not None
    with as_tenant(tenant_b):
        assert db.session.scalar(select(Feedback.overdue_flagged_at).where(Feedback.id == theirs)) is None
