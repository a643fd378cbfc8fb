"""The platform telling a province's team about the province's own matters (the operator's go-live decision,
policy news waiting for a second administrator): the same way it tells officials anything, an InternalNotice
per person with the platform as its source (constants.PLATFORM_SOURCE), sent to the Zalo account they linked
(or as soon as they link one, service.send_waiting), with a button that opens the page where it is handled;
and the same notice by e-mail, which reaches those who have not linked Zalo (docs/domain.md §8.2, after the
InternalNotice states).

The e-mail is queued only once the caller's transaction commits (db/after_commit.py): the worker reads the
notice, so it must exist, and a rolled-back decision must tell nobody. Without MAIL_SERVER (development)
nothing is e-mailed. Zalo messages reach a province still in trial, because its team's linked accounts are
allowed there (delivery/trial.py).
"""

import logging
from datetime import datetime

from flask import current_app
from redis.exceptions import RedisError

from platform_core import mail
from platform_core.audit.service import record_event
from platform_core.auth.constants import ROLE_ADMIN
from platform_core.auth.models import Membership, User
from platform_core.db.after_commit import after_commit
from platform_core.db.tenant_context import require_tenant
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_DEFAULT
from platform_core.officials import messages, recipients, service
from platform_core.officials.constants import PLATFORM_SOURCE, URGENCY_NORMAL
from platform_core.officials.models import InternalNotice

log = logging.getLogger(__name__)


def admins(excluding=()) -> list[User]:
    """The active administrators of the tenant in context, but those whose ids are in `excluding`."""
    query = recipients.members_query().where(Membership.role == ROLE_ADMIN).order_by(User.full_name)
    return [user for user in db.session.scalars(query) if user.id not in set(excluding)]


def page_url(endpoint: str, **values) -> str:
    """An absolute link (PUBLIC_BASE_URL) to a page, built without a request: the e-mail job and tests call
    this outside one. Tenant pages need `tenant_slug` among `values`."""
    path = current_app.url_map.bind("").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def tell(users: list[User], kind: str, title: str, body: str, link: str, ref: str, actor=None,
         now: datetime | None = None) -> list[InternalNotice]:
    """One notice per user (idempotent on `ref`: telling the same thing twice makes nothing new), on Zalo now
    and by e-mail after the caller's commit."""
    data = {"kind": kind, "title": title, "body": body, "link_url": link, "urgency": URGENCY_NORMAL,
            "source_system": PLATFORM_SOURCE, "source_ref": ref}
    notices, created = service.notify_users(users, data, actor=actor, now=now)
    if created and mail.is_configured():
        tenant_id, notice_ids = require_tenant().id, [str(notice.id) for notice in notices]
        after_commit(db.session, lambda: _queue_emails(notice_ids, tenant_id))
    return notices


def _queue_emails(notice_ids: list[str], tenant_id) -> None:
    for notice_id in notice_ids:
        try:
            email_notice.enqueue(notice_id, tenant_id=tenant_id)
        except RedisError as error:  # the notice stands and is on Zalo; only its e-mail copy is lost
            log.error("notice e-mail NOT queued: Redis is unreachable (%s)", type(error).__name__,
                      extra={"tenant_id": str(tenant_id), "notice_id": notice_id})


@job(queue=QUEUE_DEFAULT, timeout=60, retries=5, retry_intervals=(30, 120, 600, 1800, 3600))
def email_notice(notice_id: str) -> str:
    """Runs in the notice's tenant; an SMTP failure raises, so RQ retries it (as invitations' e-mails)."""
    notice = service.get_notice(notice_id)
    user = db.session.get(User, notice.user_id) if notice is not None else None
    if user is None or not user.email:
        log.warning("notice e-mail skipped: no such notice or address", extra={"notice_id": notice_id})
        return "missing"
    mail.send(messages.notice_email(notice, user.full_name, user.email, mail.sender_address()))
    record_event("official_notice_emailed", target=notice, details={"email": user.email})
    db.session.commit()
    return "sent"
