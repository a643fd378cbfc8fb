"""A province's team: who belongs (officers and admins), invitations, role changes, removal, 2FA resets.

The rules a team must keep: a province always has at least one administrator; nobody changes their own role
or removes themselves (another admin does it, so a slip cannot lock a province out); a 2FA reset is only for
someone who belongs to this province alone (for anyone else it would weaken their access elsewhere, so a
platform operator does it). Everything is audited in the province's log; the caller commits.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.auth import service as accounts
from platform_core.auth.constants import ROLE_ADMIN, TENANT_ROLES
from platform_core.auth.models import Membership, User
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.onboarding import invitations
from platform_core.onboarding.constants import PURPOSE_TEAM
from platform_core.onboarding.models import Invitation


class TeamError(FieldError):
    """A team change refused; `message` (a lazy translation) is shown to the admin as it is."""


@dataclass(frozen=True)
class Member:
    user: User
    role: str
    since: datetime


def members(tenant) -> list[Member]:
    """Everyone with a role in `tenant`: administrators first, then by name."""
    rows = db.session.execute(
        select(User, Membership).join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id)
        .order_by(Membership.role != ROLE_ADMIN, User.full_name, User.email)
    )
    return [Member(user, membership.role, membership.created_at) for user, membership in rows]


def find_member(tenant, user_id: uuid.UUID) -> User | None:
    """The user with this id if they belong to `tenant`; None otherwise (another province's member is
    unknown here)."""
    return db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.tenant_id == tenant.id, User.id == user_id)
    )


# --- invitations --------------------------------------------------------------------------------------------

def invite(tenant, email: str, name: str, role: str, actor=None) -> tuple[Invitation, str]:
    """A team invitation for the tenant in context; returns it with its link (to show once, never stored).
    Inviting the same address again withdraws the earlier, unused invitation."""
    existing = accounts.find_user(email)
    if existing is not None and existing.role_in(tenant.id) is not None:
        raise TeamError("email", _l("This person is already a member of the team."))
    for earlier in open_invitations():
        if earlier.email == accounts.normalise_email(email):
            invitations.revoke(earlier, actor=actor)
    invitation, token = invitations.create_invitation(PURPOSE_TEAM, email, name, role, actor=actor)
    return invitation, invitations.invitation_link(tenant.slug, token)


def open_invitations() -> list[Invitation]:
    return invitations.open_invitations(PURPOSE_TEAM)


def withdraw_invitation(invitation_id: uuid.UUID, actor=None) -> bool:
    """Revoke one of the tenant's open team invitations; False when there is no such open invitation."""
    invitation = next((item for item in open_invitations() if item.id == invitation_id), None)
    if invitation is None:
        return False
    invitations.revoke(invitation, actor=actor)
    return True


# --- members ------------------------------------------------------------------------------------------------

def change_role(tenant, user: User, role: str, actor) -> bool:
    """Give a member another role; returns whether anything changed."""
    if role not in TENANT_ROLES:
        raise TeamError("role", _l("Choose a role from the list."))
    _not_yourself(user, actor, _l("You cannot change your own role; ask another administrator."))
    current = user.role_in(tenant.id)
    if current == role:
        return False
    if current == ROLE_ADMIN:
        _keep_an_admin(tenant, user)
    accounts.grant_role(user, tenant, role, actor=actor)
    return True


def remove(tenant, user: User, actor) -> None:
    _not_yourself(user, actor, _l("You cannot remove yourself; ask another administrator."))
    if user.role_in(tenant.id) == ROLE_ADMIN:
        _keep_an_admin(tenant, user)
    accounts.revoke_role(user, tenant, actor=actor)


def can_reset_two_factor(tenant, user: User) -> bool:
    return user.has_totp and not user.is_operator and all(m.tenant_id == tenant.id for m in user.memberships)


def reset_two_factor(tenant, user: User, actor) -> None:
    """For a member who lost their phone: they sign in with their password and enrol again."""
    _not_yourself(user, actor, _l("You cannot reset your own two-step verification."))
    if not user.has_totp:
        raise TeamError("user", _l("This member has not set up two-step verification."))
    if not can_reset_two_factor(tenant, user):
        raise TeamError("user", _l("This person also works elsewhere on the platform; ask a platform operator "
                                   "to reset their two-step verification."))
    accounts.reset_totp(user, actor=actor)  # the account's own (platform) record
    record_event("member_totp_reset", actor=actor, target=user, details={"email": user.email})


def _not_yourself(user: User, actor, message) -> None:
    if actor is not None and user.id == actor.id:
        raise TeamError("user", message)


def _keep_an_admin(tenant, leaving: User) -> None:
    """Refuse to take away the last administrator. The admins' rows are locked (PostgreSQL) so that two
    admins demoting each other at the same moment cannot both succeed."""
    admins = set(db.session.scalars(
        select(Membership.user_id).where(Membership.tenant_id == tenant.id, Membership.role == ROLE_ADMIN)
        .with_for_update()
    ))
    if not admins - {leaving.id}:
        raise TeamError("role", _l("A province needs at least one administrator: make someone else an "
                                   "administrator first."))
