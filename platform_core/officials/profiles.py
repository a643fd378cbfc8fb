"""The console's view of officials: every team member with their profile (agency, position, their id in the
province's document system, digest hour), whether they linked Zalo, and their notices."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from platform_core.audit.service import record_event
from platform_core.auth.models import User
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.officials import recipients
from platform_core.officials.constants import OPEN_STATUSES
from platform_core.officials.models import InternalNotice, OfficialProfile
from platform_core.web.paging import Page, paginate
from platform_core.zalo.models import Follower

PROFILE_FIELDS = ("external_ref", "agency", "position", "active", "digest_hour")


@dataclass(frozen=True)
class OfficialRow:
    user: User
    profile: OfficialProfile | None
    zalo: Follower | None
    open_notices: int


def overview() -> list[OfficialRow]:
    """Every team member, by name, with what the officials page shows about them (four queries in all)."""
    users = db.session.scalars(recipients.members_query().order_by(User.full_name, User.email)).all()
    profiles = {profile.user_id: profile for profile in db.session.scalars(select(OfficialProfile))}
    links = {follower.staff_user_id: follower for follower in db.session.scalars(
        select(Follower).where(Follower.staff_user_id.is_not(None)).order_by(Follower.staff_linked_at))}
    open_counts = dict(db.session.execute(select(InternalNotice.user_id, func.count()).where(
        InternalNotice.status.in_(OPEN_STATUSES)).group_by(InternalNotice.user_id)).all())
    return [OfficialRow(user, profiles.get(user.id), links.get(user.id), open_counts.get(user.id, 0))
            for user in users]


def official(user_id) -> OfficialRow | None:
    """One team member's row; None for anyone who is not a member of this province."""
    user = recipients.member(user_id)
    if user is None:
        return None
    zalo = db.session.scalar(select(Follower).where(Follower.staff_user_id == user.id)
                             .order_by(Follower.staff_linked_at.desc()).limit(1))
    open_notices = db.session.scalar(select(func.count()).select_from(InternalNotice).where(
        InternalNotice.user_id == user.id, InternalNotice.status.in_(OPEN_STATUSES)))
    return OfficialRow(user, recipients.profile_of(user.id), zalo, open_notices)


def save_profile(user: User, values: dict, actor) -> OfficialProfile:
    """Create or update the member's profile; an external_ref already given to someone else is refused."""
    ref = values.get("external_ref") or None
    if ref and db.session.scalar(select(OfficialProfile.id).where(
            OfficialProfile.external_ref == ref, OfficialProfile.user_id != user.id)) is not None:
        raise FieldError("external_ref", _l("Another official already has this id."))
    profile = recipients.profile_of(user.id) or OfficialProfile(user_id=user.id)
    db.session.add(profile)
    for name in PROFILE_FIELDS:
        value = values.get(name)
        setattr(profile, name, (value.strip() or None) if isinstance(value, str) else value)
    db.session.flush()
    record_event("official_profile_saved", actor=actor, target=profile, details={"user_id": str(user.id)})
    return profile


def notices_page(number: int, user_id=None) -> Page:
    """Notices newest first, all or one official's."""
    statement = select(InternalNotice).order_by(InternalNotice.created_at.desc(), InternalNotice.id)
    if user_id is not None:
        statement = statement.where(InternalNotice.user_id == user_id)
    return paginate(statement, number)


def names() -> dict:
    """user id -> name, for lists of notices."""
    return {user.id: user.full_name for user in db.session.scalars(recipients.members_query())}
