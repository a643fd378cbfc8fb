"""Getting an invitation link to its person: e-mailed by an RQ job when SMTP is configured, logged otherwise.

The link is a credential (whoever holds it can create the province's first admin account). With SMTP it is
never written to a log: the job receives the invitation's id and the link encrypted with the app's keyring
(RQ keeps job arguments in Redis and its worker logs them), and decrypts it only to build the message.
An SMTP failure raises, so RQ retries the job; after the last retry it stays in the failed-job registry
with its (still encrypted) link, from where an operator can retry it. The invitation itself is already
committed, so nothing is lost: an operator can also invite again, which replaces the link.
"""

import logging
import uuid

from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from redis.exceptions import RedisError
from sqlalchemy import inspect, select

from platform_core import mail
from platform_core.audit.service import record_event
from platform_core.auth.constants import TENANT_ROLES
from platform_core.auth.models import User
from platform_core.db import crypto
from platform_core.db.tenant_context import tenant_context
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_DEFAULT
from platform_core.onboarding.constants import PURPOSE_TEAM
from platform_core.onboarding.invitations import TokenRefused, check_open
from platform_core.onboarding.models import Invitation
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import tenant_ref_by_id

log = logging.getLogger(__name__)

LOGGED, QUEUED, NOT_QUEUED = "logged", "queued", "not_queued"


class InvitationNotQueued(OSError):
    """Redis was unreachable: no e-mail will be sent, the invitation stands (an OSError, like smtplib's errors,
    so callers handle every "could not be e-mailed" alike: show the link for the person to pass on)."""
EXPIRY_FORMAT = "HH:mm dd/MM/yyyy"


def deliver_invitation(invitation: Invitation, link: str) -> str:
    """Send `link` to the invited person. Call it after the invitation is committed (the job reads it), in any
    tenant context or none.

    Returns LOGGED (development: no MAIL_SERVER, the link is in the log for the CLI and the console to
    show) or QUEUED (an e-mail job is queued; the worker retries SMTP failures). Raises InvitationNotQueued
    when Redis is unreachable.
    """
    tenant_id, invitation_id = _identity(invitation)
    extra = {"tenant_id": str(tenant_id), "invitation_id": str(invitation_id)}
    if not mail.is_configured():
        with tenant_context(tenant_ref_by_id(tenant_id)):
            email = invitation.email
        log.info("invitation link for %s (no MAIL_SERVER, not e-mailed): %s", email, link, extra=extra)
        return LOGGED
    sealed = crypto.keyring().encrypt(link)
    try:
        send_invitation_email.enqueue(str(invitation_id), sealed, tenant_id=tenant_id)
    except RedisError as error:
        log.error("invitation e-mail NOT queued: Redis is unreachable (%s)", type(error).__name__, extra=extra)
        raise InvitationNotQueued(f"the e-mail job could not be queued: {type(error).__name__}") from error
    log.info("invitation e-mail queued", extra=extra)
    return QUEUED


def offer_invitation(invitation: Invitation, link: str) -> str:
    """deliver_invitation for a page that shows the link anyway: a failure to queue the e-mail is reported as
    NOT_QUEUED (the invitation stands and the person is given the link by hand) instead of raised."""
    try:
        return deliver_invitation(invitation, link)
    except InvitationNotQueued:
        return NOT_QUEUED


def _identity(invitation: Invitation) -> tuple[uuid.UUID, uuid.UUID]:
    """(tenant id, id) from the identity map: after the caller's commit the attributes are expired, and
    reloading them outside the tenant's context would find nothing (row-level security)."""
    state = inspect(invitation)
    key = dict(zip((column.key for column in state.mapper.primary_key), state.identity, strict=True))
    return key["tenant_id"], key["id"]


@job(queue=QUEUE_DEFAULT, timeout=60, retries=5, retry_intervals=(30, 120, 600, 1800, 3600))
def send_invitation_email(invitation_id: str, sealed_link: str) -> str:
    """Runs in the invitation's tenant. A link that can no longer be used is not sent."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.id == uuid.UUID(invitation_id)))
    extra = {"tenant_id": str(invitation.tenant_id) if invitation else None, "invitation_id": invitation_id}
    if invitation is None:
        log.warning("invitation e-mail skipped: no such invitation", extra=extra)
        return "missing"
    try:
        check_open(invitation)
    except TokenRefused as refused:
        log.info("invitation e-mail skipped: invitation %s", refused.reason, extra=extra)
        return refused.reason
    mail.send(invitation_message(invitation, crypto.keyring().decrypt(sealed_link)))
    record_event("invitation_emailed", target=invitation, details={"email": invitation.email})
    db.session.commit()
    log.info("invitation e-mail sent", extra=extra)
    return "sent"


def invitation_message(invitation: Invitation, link: str):
    """The e-mail in Vietnamese, whatever language the person who invited uses."""
    tenant = db.session.get(Tenant, invitation.tenant_id)
    inviter = db.session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    with force_locale("vi"):
        expiry = format_datetime(invitation.expires_at, EXPIRY_FORMAT)
        if invitation.purpose == PURPOSE_TEAM:
            subject, paragraphs, label = _team_texts(invitation, tenant, inviter, expiry)
        else:
            subject, paragraphs, label = _setup_texts(invitation, tenant, expiry)
        closing = [_("If you did not expect this e-mail, ignore it: nothing happens unless the link is opened."),
                   _("Motcua: notifications about administrative procedures, for Vietnam’s provinces.")]
        return mail.compose(invitation.email, subject, paragraphs, link, label, mail.sender_address(),
                            closing=closing)


def _setup_texts(invitation: Invitation, tenant: Tenant, expiry: str) -> tuple[str, list[str], str]:
    subject = _("Set up Motcua for %(province)s", province=tenant.name)
    paragraphs = [
        _("Hello %(name)s,", name=invitation.contact_name),
        _("You are invited to set up Motcua for %(province)s, so that citizens are told on Zalo where their "
          "administrative dossiers stand.", province=tenant.name),
        _("Setting up takes about 15 minutes: the province profile, your administrator account with two-step "
          "verification, the Zalo Official Account, the procedures, the message texts and a test message."),
        _("The link below works once, until %(expiry)s. Do not forward it: whoever opens it becomes the "
          "province's administrator.", expiry=expiry),
    ]
    return subject, paragraphs, _("Start setting up")


def _team_texts(invitation: Invitation, tenant: Tenant, inviter, expiry: str) -> tuple[str, list[str], str]:
    role = str(TENANT_ROLES.get(invitation.role, invitation.role))
    subject = _("Join %(province)s on Motcua", province=tenant.name)
    if inviter is not None:
        invited = _("%(inviter)s invited you to join %(province)s on Motcua as %(role)s.",
                    inviter=inviter.full_name, province=tenant.name, role=role)
    else:
        invited = _("You are invited to join %(province)s on Motcua as %(role)s.", province=tenant.name, role=role)
    paragraphs = [
        _("Hello %(name)s,", name=invitation.contact_name),
        invited,
        _("The link below works once, until %(expiry)s. Do not forward it.", expiry=expiry),
    ]
    return subject, paragraphs, _("Accept the invitation")
