"""Who an official is: a team member (a user with a membership in the tenant), their profile, and the Zalo
account they linked with a code (zalo/staff_link.py)."""

import uuid

from sqlalchemy import select

from platform_core.auth.models import Membership, User
from platform_core.db.tenant_context import require_tenant
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.officials.models import OfficialProfile
from platform_core.zalo.models import Follower


def resolve(recipients: list[str]) -> list[User]:
    """The team members named by external_ref or e-mail, each once; a name that matches nobody in this
    province, or an official marked inactive, is refused with the name."""
    users: dict[uuid.UUID, User] = {}
    for name in recipients:
        user = _by_external_ref(name) if "@" not in name else member_by_email(name)
        if user is None:
            raise FieldError("recipients", f"no official or team member {name!r} in this province")
        profile = profile_of(user.id)
        if profile is not None and not profile.active:
            raise FieldError("recipients", f"{name!r} is not an active official")
        users[user.id] = user
    return list(users.values())


def members_query():
    """The tenant's team members (users with a membership here)."""
    return select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.tenant_id == require_tenant().id, User.active.is_(True))


def member(user_id) -> User | None:
    return db.session.scalar(members_query().where(User.id == user_id))


def member_by_email(email: str) -> User | None:
    return db.session.scalar(members_query().where(User.email == email.strip().lower()))


def _by_external_ref(ref: str) -> User | None:
    profile = db.session.scalar(select(OfficialProfile).where(OfficialProfile.external_ref == ref))
    return member(profile.user_id) if profile is not None else None


def profile_of(user_id) -> OfficialProfile | None:
    return db.session.scalar(select(OfficialProfile).where(OfficialProfile.user_id == user_id))


def linked_zalo_user_id(user_id) -> str | None:
    """The Zalo account the member linked in this tenant (the latest link wins, as in staff_link)."""
    return db.session.scalar(select(Follower.zalo_user_id).where(Follower.staff_user_id == user_id)
                             .order_by(Follower.staff_linked_at.desc()).limit(1))


def email_of(notice) -> str:
    return db.session.scalar(select(User.email).where(User.id == notice.user_id)) or ""
