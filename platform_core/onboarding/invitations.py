"""Invitations: single-use signed links with an expiry that let one person join a tenant with a role.

The link carries a token signed with the app's secret (itsdangerous) naming the invitation and a random
nonce; the database keeps only the nonce's SHA-256. A link is refused when its signature is wrong or old,
when the nonce does not match (a newer invitation replaced it), or when it was used or revoked.
"""

import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.auth.constants import ROLE_ADMIN, TENANT_ROLES
from platform_core.auth.service import normalise_email
from platform_core.db.lookup import as_uuid
from platform_core.db.tenant_context import current_tenant, tenant_context
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.onboarding.constants import INVITATION_LIFETIME, PURPOSE_PROVINCE_SETUP, PURPOSE_TEAM
from platform_core.onboarding.models import Invitation
from platform_core.tenancy.constants import STATUS_INVITED
from platform_core.tenancy.models import Province, Tenant
from platform_core.tenancy.service import create_tenant, find_by_slug, ref

TOKEN_SALT = "motcua.invitation"  # noqa: S105 - a signing namespace, not a secret


class InvitationError(FieldError):
    """An invitation refused; `field` is `token`, `email`, `province`, ... for forms and CLI messages."""


class TokenRefused(InvitationError):
    """A link that cannot be used, and why (`reason`: one of REFUSAL_REASONS), for the page that says so."""

    def __init__(self, reason: str):
        super().__init__("token", REFUSAL_REASONS[reason])
        self.reason = reason


INVALID, EXPIRED, USED, REVOKED = "invalid", "expired", "used", "revoked"
REFUSAL_REASONS = {
    INVALID: "this invitation link is not valid",
    EXPIRED: "this invitation has expired; ask for a new one",
    USED: "this invitation has already been used; sign in instead",
    REVOKED: "this invitation was withdrawn; ask for a new one",
}


def invite_province(slug: str, email: str, contact_name: str, actor=None) -> tuple[Tenant, Invitation, str]:
    """Invite a province's first admin: creates the tenant (status `invited`) if needed; returns the link.

    A province already on board (any status past `invited`) is refused; inviting an `invited` province again
    revokes its earlier, unused invitations.
    """
    tenant = find_by_slug(slug)
    if tenant is not None and tenant.status != STATUS_INVITED:
        raise InvitationError("province", f"{tenant.name} is already on board (status: {tenant.status})")
    if tenant is None:
        if db.session.scalar(select(Province).where(Province.slug == slug)) is None:
            raise InvitationError("province", f"'{slug}' is not one of the 34 provinces (is the registry synced? "
                                              "see 'flask tenants sync')")
        tenant = create_tenant(slug, status=STATUS_INVITED, actor=actor)
    with tenant_context(ref(tenant)):
        _revoke_open_invitations(PURPOSE_PROVINCE_SETUP, actor=actor)
        invitation, token = create_invitation(PURPOSE_PROVINCE_SETUP, email, contact_name, ROLE_ADMIN, actor=actor)
        db.session.flush()  # the tenant's audit rows are written while its context is still set
    return tenant, invitation, invitation_link(tenant.slug, token)


def create_invitation(purpose: str, email: str, contact_name: str, role: str, actor=None) -> tuple[Invitation, str]:
    """For the tenant in context. Returns the invitation and its token (shown once, never stored)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise InvitationError("email", "enter an e-mail address like name@example.gov.vn")
    if not (contact_name or "").strip():
        raise InvitationError("contact_name", "enter the person's name")
    if role not in TENANT_ROLES:
        raise InvitationError("role", f"unknown role '{role}'")
    if purpose not in (PURPOSE_PROVINCE_SETUP, PURPOSE_TEAM):
        raise InvitationError("purpose", f"unknown purpose '{purpose}'")
    nonce, now = secrets.token_urlsafe(24), utcnow()
    invitation = Invitation(
        purpose=purpose, email=email, contact_name=contact_name.strip(), role=role,
        token_hash=_hash(nonce), invited_by_id=getattr(actor, "id", None),
        created_at=now, expires_at=now + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    db.session.flush()
    record_event("invitation_created", actor=actor, target=invitation,
                 details={"purpose": purpose, "email": email, "role": role})
    return invitation, _serializer().dumps({"i": str(invitation.id), "n": nonce})


def invitation_link(tenant_slug: str, token: str) -> str:
    """The absolute link, built from PUBLIC_BASE_URL so that CLI and jobs can make it without a request."""
    path = current_app.url_map.bind("").build("onboarding.join", {"tenant_slug": tenant_slug, "token": token})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def check_token(token: str, now: datetime | None = None) -> Invitation:
    """The open invitation behind `token` for the tenant in context, or InvitationError saying why not."""
    now = now or utcnow()
    lifetime = int(INVITATION_LIFETIME.total_seconds())
    try:
        payload = _serializer().loads(token, max_age=lifetime)
    except SignatureExpired:
        raise TokenRefused(EXPIRED) from None
    except BadSignature:
        raise TokenRefused(INVALID) from None
    if not isinstance(payload, dict):
        raise TokenRefused(INVALID)
    invitation = db.session.scalar(select(Invitation).where(Invitation.id == as_uuid(payload.get("i"))))
    if invitation is None or not hmac.compare_digest(invitation.token_hash, _hash(str(payload.get("n")))):
        raise TokenRefused(INVALID)
    check_open(invitation, now)
    return invitation


def check_open(invitation: Invitation, now: datetime | None = None) -> None:
    """TokenRefused unless the invitation can still be accepted (not used, withdrawn or expired)."""
    if invitation.used_at is not None:
        raise TokenRefused(USED)
    if invitation.revoked_at is not None:
        raise TokenRefused(REVOKED)
    if invitation.expires_at <= (now or utcnow()):
        raise TokenRefused(EXPIRED)


def lock_open(invitation: Invitation) -> None:
    """Re-read the invitation locked until commit, then check it is still open.

    Two acceptances of one link at once (a double click, two tabs): the second waits for the first's commit
    on PostgreSQL (SQLite serialises writers anyway), then sees the invitation used and is refused cleanly.
    """
    db.session.scalar(
        select(Invitation).where(Invitation.id == invitation.id).with_for_update()
        .execution_options(populate_existing=True)
    )
    check_open(invitation)


def mark_used(invitation: Invitation, user, now: datetime | None = None) -> None:
    """Consume the invitation (single use) for `user`; the caller grants the role in the same transaction
    (after `lock_open`, so that a concurrent acceptance cannot use it too)."""
    invitation.used_at = now or utcnow()
    invitation.accepted_user_id = user.id
    record_event("invitation_accepted", actor=user, target=invitation, details={"purpose": invitation.purpose})


def revoke(invitation: Invitation, actor=None) -> None:
    """Withdraw an invitation: its link is refused from now on."""
    invitation.revoked_at = utcnow()
    record_event("invitation_revoked", actor=actor, target=invitation, details={"email": invitation.email})


def open_invitations(purpose: str | None = None) -> list[Invitation]:
    """Unused, unrevoked, unexpired invitations of the tenant in context, newest first."""
    query = select(Invitation).where(
        Invitation.used_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()
    )
    if purpose is not None:
        query = query.where(Invitation.purpose == purpose)
    return list(db.session.scalars(query.order_by(Invitation.created_at.desc())))


def _revoke_open_invitations(purpose: str, actor=None) -> None:
    for invitation in open_invitations(purpose):
        revoke(invitation, actor=actor)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"{TOKEN_SALT}.{current_tenant().id}")


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()

