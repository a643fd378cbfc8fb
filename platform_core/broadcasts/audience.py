"""Who a broadcast reaches: the followers its audience names who agreed to receive policy news, in follower-id
order (planning walks them in chunks, in SQL: the filter is a WHERE clause, never a list of rows).

Audiences (constants.AUDIENCE_*): every follower; followers with a tag (citizens/models.FollowerTag); citizens
with a dossier of a procedure (dossier.applicant_zalo_user_id); followers in some communes (zalo_follower.commune).
Zalo only takes promotion messages to followers (-213 otherwise), so a non-follower is never planned, and a
citizen whose data was anonymised is never planned either. Policy news needs an explicit grant (citizens/consent.py:
no silent or default consent, docs/domain.md §6), so the audience is taken from the active grants in SQL; a stop
withdraws every grant, and the delivery screen checks again at send time (citizens/screen.py). A province in
trial reaches only its team and guest list (delivery/trial.py), so its audience is cut to them here rather than
planned in full and refused message by message.
"""

from sqlalchemy import func, select

from platform_core.broadcasts.constants import AUDIENCE_COMMUNES, AUDIENCE_PROCEDURE, AUDIENCE_TAG
from platform_core.citizens.consent import has_active_grant
from platform_core.citizens.constants import PURPOSE_NEWS
from platform_core.citizens.models import FollowerTag
from platform_core.delivery import trial
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.zalo.models import Follower


def audience_filter(audience: dict):
    """The WHERE clause naming the audience's followers (followers who agreed to policy news, never an
    anonymised one, only the team and the guest list in trial)."""
    conditions = [Follower.is_follower.is_(True), Follower.anonymised_at.is_(None),
                  has_active_grant(PURPOSE_NEWS, Follower.zalo_user_id)]
    if trial.is_restricted():
        conditions.append(trial.follower_may_receive())
    kind = audience.get("kind")
    if kind == AUDIENCE_TAG:
        conditions.append(Follower.zalo_user_id.in_(
            select(FollowerTag.zalo_user_id).where(FollowerTag.tag == audience.get("tag"))))
    elif kind == AUDIENCE_PROCEDURE:
        conditions.append(Follower.zalo_user_id.in_(
            select(Dossier.applicant_zalo_user_id).where(Dossier.procedure_code == audience.get("procedure_code"))))
    elif kind == AUDIENCE_COMMUNES:
        conditions.append(Follower.commune.in_(audience.get("communes") or []))
    return conditions


def estimate(audience: dict) -> int:
    """How many followers the audience names today (before the one-a-day rule)."""
    return db.session.scalar(select(func.count()).select_from(Follower).where(*audience_filter(audience))) or 0


def in_range(audience: dict, after, upto) -> list:
    """The audience's filter for the followers whose ids are in (after, upto] (`after` None: from the first)."""
    conditions = [*audience_filter(audience), Follower.id <= upto]
    if after is not None:
        conditions.append(Follower.id > after)
    return conditions


def chunk_end(audience: dict, after, size: int) -> tuple:
    """(last id, followers): where the next chunk of at most `size` followers after id `after` ends, and how many
    it holds (fewer than `size`: the audience's last chunk). (None, 0) when nobody is left."""
    following = [*audience_filter(audience), *([Follower.id > after] if after is not None else [])]
    last = db.session.scalar(select(Follower.id).where(*following).order_by(Follower.id).offset(size - 1).limit(1))
    if last is not None:
        return last, size
    # The last chunk (PostgreSQL has no max() of a uuid): its last id, and how many it holds.
    last = db.session.scalar(select(Follower.id).where(*following).order_by(Follower.id.desc()).limit(1))
    if last is None:
        return None, 0
    return last, db.session.scalar(select(func.count()).select_from(Follower).where(*following))


def follower_count() -> int:
    """The OA's followers as we know them (Zalo's daily promotion cap depends on it)."""
    return db.session.scalar(select(func.count()).select_from(Follower).where(Follower.is_follower.is_(True))) or 0


def tags() -> list[str]:
    return list(db.session.scalars(select(FollowerTag.tag).distinct().order_by(FollowerTag.tag)))


def communes() -> list[str]:
    return list(db.session.scalars(select(Follower.commune).where(Follower.commune.is_not(None))
                                   .distinct().order_by(Follower.commune)))

