"""The periodic jobs: the scheduler's fan-out enqueues one job per tenant, carrying its tenant; the tenant
job runs for the instant it is given."""

from datetime import UTC, datetime, timedelta

from platform_core.extensions import db
from platform_core.jobs.decorators import TENANT_META_KEY, open_queue
from platform_core.jobs.scheduler import PERIODIC_JOBS
from platform_core.officials import jobs, service
from tests.conftest import as_tenant
from tests.officials.conftest import ack

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def test_the_fan_outs_are_scheduled_and_enqueue_one_job_per_tenant(tenant_a, tenant_b):
    scheduled = {name for name, _ in PERIODIC_JOBS}
    for name in ("resend_notices_everywhere", "send_digests_everywhere", "notify_dossiers_near_due_everywhere"):
        assert f"platform_core.officials.jobs.{name}" in scheduled
    queue = open_queue(jobs.resend_notices.job_spec.queue)
    queue.empty()
    assert jobs.resend_notices_everywhere() >= 2
    tenants = {job.meta[TENANT_META_KEY] for job in queue.jobs if job.func_name.endswith("resend_notices")}
    assert {str(tenant_a.id), str(tenant_b.id)} <= tenants
    queue.empty()


def test_the_tenant_job_re_sends_what_is_due_at_the_given_instant(tenant_a, official_a):
    with as_tenant(tenant_a):
        [notice], _ = service.create_notices({"kind": "incoming_document", "recipients": ["CB-001"],
                                              "title": "Công điện khẩn", "urgency": "hoa_toc"}, now=NOW)
        assert jobs.resend_notices((NOW + timedelta(minutes=10)).isoformat()) == 0
        assert jobs.resend_notices((NOW + timedelta(minutes=15)).isoformat()) == 1
        assert notice.send_count == 2  # read in the tenant: the job committed, and RLS hides it elsewhere


def test_another_provinces_official_cannot_acknowledge_our_notice(tenant_a, tenant_b, official_a, official_b):
    with as_tenant(tenant_a):
        [notice], _ = service.create_notices({"kind": "meeting", "recipients": ["CB-001"], "title": "Họp",
                                              "starts_at": NOW, "urgency": "hoa_toc"}, now=NOW)
        db.session.flush()  # as each request or event commits its own
    assert "Không tìm thấy" in ack(tenant_b, "zalo-b-1", f"XN {notice.ack_code}")
    with as_tenant(tenant_b):
        assert service.find_by_ack_code(notice.ack_code) is None  # the code means nothing in another province
    with as_tenant(tenant_a):
        db.session.refresh(notice)
        assert notice.status == "sent"
