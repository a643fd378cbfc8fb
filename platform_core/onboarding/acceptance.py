"""Accepting an invitation: the province's first administrator (setup step 2), a new team member, or a person
who already has an account. Each function does everything in the caller's transaction, or raises before
writing anything: the view commits once.
"""

from platform_core.audit.service import record_event
from platform_core.auth import recovery, totp
from platform_core.auth import service as accounts
from platform_core.auth.models import User
from platform_core.errors import FieldError
from platform_core.onboarding import wizard
from platform_core.onboarding.constants import PURPOSE_PROVINCE_SETUP, STEP_ADMIN
from platform_core.onboarding.invitations import lock_open, mark_used
from platform_core.onboarding.models import Invitation
from platform_core.tenancy import service as tenancy
from platform_core.tenancy.constants import STATUS_INVITED, STATUS_ONBOARDING
from platform_core.tenancy.models import Tenant


class AcceptanceError(FieldError):
    """Refused; `field` names the form field concerned (`code`, `email`, ...)."""


def create_first_admin(tenant: Tenant, invitation: Invitation, full_name: str, password: str,
                       totp_secret: str, totp_code: str) -> tuple[User, list[str]]:
    """The setup invitation's person becomes the province's administrator, with TOTP and recovery codes.

    One transaction: the account, its second factor and recovery codes, the admin role, the invitation
    used, the tenant `invited` -> `onboarding`, the wizard's step done, and their audit events. A wrong
    TOTP code creates nothing (only a `totp_failed` audit event is recorded).
    """
    lock_open(invitation)
    if totp.accepted_step(totp_secret, totp_code, None) is None:
        record_event("totp_failed", target=invitation, platform=True,
                     details={"stage": "setup", "email": invitation.email})
        raise AcceptanceError("code", "the code does not match the QR code's secret")
    user = _new_account(invitation, full_name, password)
    accounts.enable_totp(user, totp_secret, totp_code)
    codes = recovery.generate(user)
    _accept(tenant, invitation, user)
    return user, codes


def join_team(tenant: Tenant, invitation: Invitation, full_name: str, password: str) -> User:
    """A team invitation's person creates their account and gets the invitation's role."""
    lock_open(invitation)
    user = _new_account(invitation, full_name, password)
    _accept(tenant, invitation, user)
    return user


def accept_as(tenant: Tenant, invitation: Invitation, user: User) -> None:
    """A signed-in person whose account has the invitation's e-mail takes its role (no second account)."""
    lock_open(invitation)
    if accounts.normalise_email(user.email) != invitation.email:
        raise AcceptanceError("email", f"this invitation is for {invitation.email}, not {user.email}")
    _accept(tenant, invitation, user)


def _new_account(invitation: Invitation, full_name: str, password: str) -> User:
    try:
        return accounts.create_user(invitation.email, full_name, password)
    except accounts.UserError as error:
        raise AcceptanceError(error.field, error.message) from error


def _accept(tenant: Tenant, invitation: Invitation, user: User) -> None:
    mark_used(invitation, user)
    accounts.grant_role(user, tenant, invitation.role, actor=user)
    if invitation.purpose == PURPOSE_PROVINCE_SETUP:
        if tenant.status == STATUS_INVITED:
            tenancy.change_status(tenant, STATUS_ONBOARDING, actor=user, reason="first administrator joined")
        wizard.mark_done(STEP_ADMIN)
