"""Invitation e-mails: queued as an RQ job (ids and an encrypted link, never the link in clear), sent by a real
worker to a real SMTP server, retried when SMTP fails; logged instead in development."""

import logging
from urllib.parse import urlsplit

import pytest
import redis
from rq.job import Job, JobStatus
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.embedded_redis import free_port
from platform_core.jobs.queues import QUEUE_DEFAULT
from platform_core.jobs.worker import build_worker
from platform_core.onboarding import emails, invitations
from platform_core.onboarding.constants import PURPOSE_TEAM
from tests import factories
from tests.conftest import as_tenant
from tests.mail.smtp_server import configure_mail, start_smtp
from tests.onboarding.conftest import CONTACT_EMAIL, SLUG


@pytest.fixture(autouse=True)
def empty_default_queue(app):
    """Jobs other tests queued and never ran must not run here (nor ours after)."""
    queue = open_queue(QUEUE_DEFAULT)
    queue.empty()
    for registry in (queue.scheduled_job_registry, queue.failed_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)
    yield
    queue.empty()


@pytest.fixture
def all_logs(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def run_worker(app) -> None:
    """A real RQ worker (in this process, so that it shares the test's rolled-back data) until the queue is empty."""
    build_worker(app, [QUEUE_DEFAULT], get_redis(), simple=True).work(burst=True, with_scheduler=False)


def deliver(invited) -> str:
    with as_tenant(invited.tenant):
        return emails.deliver_invitation(invited.invitation, invited.link)


def only_job() -> Job:
    [job] = open_queue(QUEUE_DEFAULT).get_jobs()
    return job


# --- development ---------------------------------------------------------------------------------------------------

def test_without_smtp_the_link_is_logged_and_nothing_is_queued(invited, all_logs):
    assert deliver(invited) == emails.LOGGED
    assert invited.link in all_logs.text
    assert open_queue(QUEUE_DEFAULT).count == 0


@pytest.mark.parametrize("smtp", [False, True])
def test_delivery_works_after_the_callers_commit_outside_the_tenant(app, monkeypatch, invited, smtp, all_logs):
    """The operator console commits the invitation, then calls deliver_invitation with no tenant in context."""
    if smtp:
        configure_mail(app, monkeypatch, free_port())
    db.session.commit()  # expires the invitation: its attributes must be reloaded in the tenant's context
    outcome = emails.deliver_invitation(invited.invitation, invited.link)
    assert outcome == (emails.QUEUED if smtp else emails.LOGGED)
    if smtp:
        assert only_job().meta["tenant_id"] == str(invited.tenant.id)
    else:
        assert f"invitation link for {CONTACT_EMAIL}" in all_logs.text


# --- with SMTP -----------------------------------------------------------------------------------------------------

def test_the_job_carries_the_id_and_an_encrypted_link_only(app, invited, smtp_inbox, all_logs):
    assert deliver(invited) == emails.QUEUED
    job = only_job()
    assert job.args[0] == str(invited.invitation.id)
    assert invited.token not in str(job.args) and invited.token not in job.description
    assert job.meta["tenant_id"] == str(invited.tenant.id)
    assert job.retries_left == 5
    assert invited.token not in all_logs.text


def test_a_worker_sends_the_invitation_in_vietnamese_through_smtp(app, client, invited, smtp_inbox, all_logs):
    deliver(invited)
    run_worker(app)
    [message] = smtp_inbox.messages
    assert message["Subject"] == "Thiết lập Motcua cho Hà Nội"
    assert message["To"] == CONTACT_EMAIL
    assert message["From"] == "Motcua <moi@motcua.test>"
    plain = message.get_body(("plain",)).get_content()
    assert plain.startswith("Kính gửi Nguyễn Thị Lan,")
    assert "Bạn được mời thiết lập Motcua cho Hà Nội" in plain
    assert f"Bắt đầu thiết lập:\n{invited.link}\n" in plain
    html = message.get_body(("html",)).get_content()
    assert f'href="{invited.link}"' in html and '<html lang="vi">' in html
    assert invited.token not in all_logs.text  # neither our logs nor RQ's

    with as_tenant(invited.tenant):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "invitation_emailed"))
    assert event.details == {"email": CONTACT_EMAIL}
    opened = client.get(urlsplit(invited.link).path)
    assert opened.status_code == 302 and opened.headers["Location"] == f"/{SLUG}/setup/profile"


def test_an_smtp_failure_is_retried_and_the_invitation_is_still_sent(app, monkeypatch, invited, all_logs):
    controller, inbox = start_smtp()
    port = controller.port
    controller.stop()  # nothing listens: the first attempt fails
    configure_mail(app, monkeypatch, port)
    deliver(invited)
    job_id = only_job().id
    run_worker(app)

    queue = open_queue(QUEUE_DEFAULT)
    job = Job.fetch(job_id, connection=get_redis(), serializer=queue.serializer)
    assert job.get_status() == JobStatus.SCHEDULED
    assert job.retries_left == 4
    assert job_id in queue.scheduled_job_registry.get_job_ids()

    controller, inbox = start_smtp()
    try:
        configure_mail(app, monkeypatch, controller.port)
        queue.scheduled_job_registry.requeue(job_id)  # what RQ's scheduler does when the retry is due
        run_worker(app)
        assert len(inbox.messages) == 1
        assert Job.fetch(job_id, connection=get_redis(), serializer=queue.serializer).get_status() == JobStatus.FINISHED
    finally:
        controller.stop()
    assert invited.token not in all_logs.text


@pytest.mark.parametrize("close", ["revoke", "use"])
def test_a_link_closed_before_the_job_runs_is_not_sent(app, invited, smtp_inbox, close):
    deliver(invited)
    with as_tenant(invited.tenant):
        if close == "revoke":
            invitations.revoke(invited.invitation)
        else:
            invitations.mark_used(invited.invitation, factories.create_user(CONTACT_EMAIL))
        db.session.flush()
    job_id = only_job().id
    run_worker(app)
    assert smtp_inbox.messages == []
    queue = open_queue(QUEUE_DEFAULT)
    expected = "revoked" if close == "revoke" else "used"
    assert Job.fetch(job_id, connection=get_redis(), serializer=queue.serializer).return_value() == expected


def test_a_team_invitation_names_the_inviter_and_the_role(app, tenant_a, smtp_inbox):
    admin = factories.create_user("truong-phong@bacninh.gov.vn", full_name="Trần Văn Trưởng", tenant=tenant_a,
                                  role="admin")
    with as_tenant(tenant_a):
        invitation, token = invitations.create_invitation(PURPOSE_TEAM, "moi@bacninh.gov.vn", "Lê Minh", "officer",
                                                          actor=admin)
        db.session.flush()
        link = invitations.invitation_link(tenant_a.slug, token)
        emails.deliver_invitation(invitation, link)
    run_worker(app)
    [message] = smtp_inbox.messages
    assert message["Subject"] == "Tham gia Bắc Ninh trên Motcua"
    plain = message.get_body(("plain",)).get_content()
    assert "Trần Văn Trưởng mời bạn tham gia Bắc Ninh trên Motcua với vai trò Cán bộ." in plain
    assert f"Nhận lời mời:\n{link}\n" in plain


def test_cli_invite_with_smtp_queues_the_email_and_a_worker_sends_it(app, runner, province, smtp_inbox, all_logs):
    result = runner.invoke(args=["tenants", "invite", SLUG, "--email", CONTACT_EMAIL, "--name", "Lan"])
    assert result.exit_code == 0, result.output
    link = result.output.splitlines()[2]
    assert f"An e-mail to {CONTACT_EMAIL} is queued" in result.output
    run_worker(app)
    [message] = smtp_inbox.messages
    assert link in message.get_body(("plain",)).get_content()
    assert link not in all_logs.text


def test_with_redis_down_the_caller_is_told_and_the_invitation_stands(app, monkeypatch, invited, all_logs):
    configure_mail(app, monkeypatch, free_port())
    unreachable = redis.Redis(port=free_port(), socket_connect_timeout=0.5)
    monkeypatch.setitem(app.extensions, "motcua_redis", unreachable)
    with pytest.raises(OSError):  # emails.InvitationNotQueued: callers treat it like an SMTP failure
        deliver(invited)
    assert "NOT queued" in all_logs.text and invited.token not in all_logs.text
    with as_tenant(invited.tenant):
        assert invitations.check_token(invited.token).id == invited.invitation.id
