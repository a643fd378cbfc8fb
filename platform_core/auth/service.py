"""Accounts: signing in (password, then TOTP), enrolling TOTP, creating users and granting roles.

Nothing here commits: the caller (a view or a CLI command) owns the transaction, so an audit row is written
together with the change it records. Nothing here imports Flask's request either, so the admin console and
the CLI reuse the same rules.
"""

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from platform_core.audit.service import record_event
from platform_core.auth import passwords, totp
from platform_core.auth.constants import (
    LOGIN_INACTIVE,
    LOGIN_UNKNOWN_EMAIL,
    LOGIN_WRONG_PASSWORD,
    ROLE_ADMIN,
    ROLE_OPERATOR,
    TENANT_ROLES,
)
from platform_core.auth.models import Membership, User
from platform_core.db.tenant_context import tenant_context
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.tenancy import service as tenancy
from platform_core.tenancy.models import Tenant

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 120


class UserError(FieldError):
    """An account operation refused, with the field it concerns (for CLI and form messages)."""


@dataclass(frozen=True)
class ProvinceRole:
    tenant: Tenant
    role: str


def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


# --- signing in ---------------------------------------------------------------------------------------------

_dummy_hash: str | None = None


def _burn_password_check(password: str) -> None:
    """Spend the time of a real check, so an unknown email answers as slowly as a wrong password."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = passwords.hash_password("motcua-no-such-user")
    passwords.verify_password(_dummy_hash, password)


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (audited as login_failed)."""
    user = find_user(email)
    if user is None:
        _burn_password_check(password)
        return _login_failed(email, LOGIN_UNKNOWN_EMAIL)
    if not passwords.verify_password(user.password_hash, password):
        return _login_failed(email, LOGIN_WRONG_PASSWORD, user)
    if not user.is_active:
        return _login_failed(email, LOGIN_INACTIVE, user)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def _login_failed(email: str, reason: str, user: User | None = None) -> None:
    record_event("login_failed", target=user, platform=True,
                 details={"email": normalise_email(email)[:MAX_EMAIL_LENGTH], "reason": reason})
    return None


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    record_event("login_succeeded", actor=user, target=user, platform=True,
                 details={"second_factor": user.has_totp})


def record_logout(user: User) -> None:
    """Signing out ends every session of the user, not only this browser's: a copied cookie stops working."""
    revoke_sessions(user)
    record_event("logout", actor=user, target=user, platform=True)


def revoke_sessions(user: User) -> None:
    """Every session of `user` fails at its next request: the version its cookie carries is no longer theirs
    (auth/session.py). Incremented in SQL, so two revocations at once both count."""
    user.session_version = User.session_version + 1


def verify_totp(user: User, code: str) -> bool:
    """Check the second factor; an accepted code's step is stored so that it cannot be used again."""
    step = totp.accepted_step(user.totp_secret, code, user.totp_last_step) if user.has_totp else None
    if step is None or not _claim_step(user, step):
        record_event("totp_failed", target=user, platform=True, details={"stage": "login"})
        return False
    return True


def _claim_step(user: User, step: int) -> bool:
    """Store `step` as used, unless another request stored it (or a later one) first.

    A conditional UPDATE, as for recovery codes: the same fresh code submitted by several sign-ins at once
    reads the same `totp_last_step`, and only the database can say which of them wrote first.
    """
    claimed = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def must_enrol_totp(user: User) -> bool:
    """Operators and province administrators need TOTP when REQUIRE_2FA is on (the caller checks that)."""
    if user.has_totp:
        return False
    return user.is_operator or any(m.role == ROLE_ADMIN for m in user.memberships)


def enable_totp(user: User, secret: str, code: str) -> bool:
    """Turn TOTP on once the user proves their app holds `secret` (the confirming code is then used up)."""
    step = totp.accepted_step(secret, code, None)
    if step is None:
        record_event("totp_failed", actor=user, target=user, platform=True, details={"stage": "enrolment"})
        return False
    user.totp_secret = secret
    user.totp_last_step = step
    record_event("totp_enrolled", actor=user, target=user, platform=True)
    return True


def reset_totp(user: User, actor=None) -> None:
    """For a lost phone: the user signs in with the password alone and enrols again (forced if required)."""
    if not user.has_totp:
        raise UserError("email", f"{user.email} has no two-step verification to reset")
    user.totp_secret = None
    user.totp_last_step = None
    revoke_sessions(user)
    record_event("totp_reset", actor=actor, target=user, platform=True, details={"email": user.email})


# --- accounts and roles -------------------------------------------------------------------------------------

def create_user(email: str, full_name: str, password: str, operator: bool = False, actor=None) -> User:
    email = normalise_email(email)
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL_PATTERN.match(email):
        raise UserError("email", f"'{email}' is not an email address")
    if find_user(email) is not None:
        raise UserError("email", f"a user '{email}' already exists")
    full_name = (full_name or "").strip()
    if not full_name or len(full_name) > MAX_NAME_LENGTH:
        raise UserError("full_name", f"give a name of 1 to {MAX_NAME_LENGTH} characters")
    problems = passwords.password_problems(password or "", email)
    if problems:
        raise UserError("password", "not acceptable: " + "; ".join(passwords.PROBLEM_TEXTS[p] for p in problems))
    user = User(email=email, full_name=full_name, password_hash=passwords.hash_password(password),
                platform_role=ROLE_OPERATOR if operator else None)
    db.session.add(user)
    db.session.flush()
    record_event("user_created", actor=actor, target=user, platform=True,
                 details={"email": email, "operator": operator})
    return user


def set_password(user: User, password: str, actor=None) -> None:
    """A new password (checked like a new account's); the user's sessions end with the old one."""
    problems = passwords.password_problems(password or "", user.email)
    if problems:
        raise UserError("password", "not acceptable: " + "; ".join(passwords.PROBLEM_TEXTS[p] for p in problems))
    user.password_hash = passwords.hash_password(password)
    revoke_sessions(user)
    record_event("password_changed", actor=actor, target=user, platform=True, details={"email": user.email})


def grant_role(user: User, tenant: Tenant, role: str, actor=None) -> Membership:
    """Give `user` `role` in `tenant` (replacing any role they had there)."""
    if role not in TENANT_ROLES:
        raise UserError("role", f"unknown role '{role}' (use {' or '.join(TENANT_ROLES)})")
    membership = _membership(user, tenant)
    previous = membership.role if membership else None
    if membership is None:
        membership = Membership(user_id=user.id, tenant_id=tenant.id, role=role)
        user.memberships.append(membership)
    membership.role = role
    if previous is not None and previous != role:
        revoke_sessions(user)  # a first role in a province is no change: the person accepting it stays signed in
    _record_in_tenant(tenant, "role_granted", actor, user,
                      {"email": user.email, "role": role, "previous_role": previous})
    return membership


def revoke_role(user: User, tenant: Tenant, actor=None) -> None:
    membership = _membership(user, tenant)
    if membership is None:
        raise UserError("tenant", f"{user.email} has no role in {tenant.slug}")
    user.memberships.remove(membership)
    revoke_sessions(user)
    _record_in_tenant(tenant, "role_revoked", actor, user, {"email": user.email, "role": membership.role})


def _membership(user: User, tenant: Tenant) -> Membership | None:
    return next((m for m in user.memberships if m.tenant_id == tenant.id), None)


def _record_in_tenant(tenant: Tenant, action: str, actor, target, details: dict) -> None:
    """Role changes belong to the province's own audit log; the flush happens while its context holds."""
    with tenant_context(tenancy.ref(tenant)):
        record_event(action, actor=actor, target=target, details=details)
        db.session.flush()


def province_roles(user: User) -> list[ProvinceRole]:
    """The provinces `user` belongs to, by name."""
    by_tenant = {m.tenant_id: m.role for m in user.memberships}
    if not by_tenant:
        return []
    tenants = db.session.scalars(select(Tenant).where(Tenant.id.in_(by_tenant)).order_by(Tenant.name))
    return [ProvinceRole(tenant, by_tenant[tenant.id]) for tenant in tenants]


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.email)))
