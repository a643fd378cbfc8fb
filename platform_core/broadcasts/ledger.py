"""The promotion ledger, written in SQL: one row per citizen given a promotion on a Vietnam day, whose unique key
(tenant, day, Zalo user id) is Zalo's one-promotion-a-day rule itself (docs/zalo-oa.md §2).

Planning (planning.py) fills a day in id order: the rows of a range of the audience are inserted by one
INSERT … SELECT with ON CONFLICT DO NOTHING, so a citizen who already has that day's promotion (an earlier
broadcast, or another planner at the same moment) is left out by the database, never counted twice; the
statement's row count is how many were planned.
"""

from sqlalchemy import exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from platform_core.broadcasts.audience import in_range
from platform_core.broadcasts.models import PromotionLedger
from platform_core.db.session import scoped_for_insert
from platform_core.db.sql_ids import new_id_sql
from platform_core.db.types import UTCDateTime
from platform_core.extensions import db
from platform_core.zalo.models import Follower

_UPSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def used_on(day) -> int:
    """Ledger rows already on `day` (the daily cap counts them)."""
    return db.session.scalar(select(func.count()).select_from(PromotionLedger)
                             .where(PromotionLedger.local_date == day)) or 0


def given_on(day):
    """A correlated EXISTS: the follower already has a promotion on `day` (an index lookup on the unique key)."""
    return exists().where(PromotionLedger.local_date == day, PromotionLedger.zalo_user_id == Follower.zalo_user_id)


def last_of_day(audience: dict, after, upto, day, room: int):
    """The id of the `room`-th follower of the range (after, upto] not yet given a promotion on `day`: where the
    day's cap is reached. None when the whole range fits."""
    return db.session.scalar(select(Follower.id).where(*in_range(audience, after, upto), ~given_on(day))
                             .order_by(Follower.id).offset(room - 1).limit(1))


def write(audience: dict, after, upto, day, broadcast_id, now) -> int:
    """One ledger row on `day` for every follower of the range (after, upto] who has none that day; returns
    how many were written."""
    rows = select(new_id_sql(), Follower.zalo_user_id, literal(day, PromotionLedger.local_date.type),
                  literal(broadcast_id, PromotionLedger.broadcast_id.type), literal(now, UTCDateTime())) \
        .where(*in_range(audience, after, upto))
    upsert = _UPSERTS[db.session.get_bind().dialect.name]
    statement = scoped_for_insert(PromotionLedger, ["id", "zalo_user_id", "local_date", "broadcast_id", "created_at"],
                                  rows, dml=upsert).on_conflict_do_nothing()
    # An INSERT's row count is kept only when asked for (SQLAlchemy's preserve_rowcount).
    return db.session.execute(statement.execution_options(preserve_rowcount=True)).rowcount
