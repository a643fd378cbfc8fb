"""The promotion ledger, written in SQL: one row per citizen given a promotion on a Vietnam day, whose unique key
(tenant, day, Zalo user id) is Zalo's one-promotion-a-day rule itself (docs/zalo-oa.md §2).

Planning (planning.py) fills a day in id order: the rows of a range of the audience are inserted by one
INSERT … SELECT with ON CONFLICT DO NOTHING, so a citizen who already has that day's promotion (an earlier
broadcast, or another planner at the same moment) is left out by the database, never counted twice; the
statement's row count is how many were planned.
"""

from sqlalchemy import func, literal, select
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


def promotion_on(day):
    """The broadcast that gave the follower a promotion on `day`, or NULL: a scalar subquery on the unique key,
    correlated with the enclosing query's follower.

    Not EXISTS: PostgreSQL turns EXISTS into a join planned from the ledger's statistics, and a planning run
    outgrows them as it writes (autovacuum analyses the table later, if at all). Believing the ledger nearly
    empty, it scanned every row of the day for each follower of a chunk: 95 s for one statement at 1M
    followers (README, Performance). A scalar subquery stays one lookup on the unique key per follower,
    whatever the statistics say."""
    return (select(PromotionLedger.broadcast_id)
            .where(PromotionLedger.local_date == day, PromotionLedger.zalo_user_id == Follower.zalo_user_id)
            .scalar_subquery())


def last_of_day(audience: dict, after, upto, day, room: int):
    """The id of the `room`-th follower of the range (after, upto] not yet given a promotion on `day`: where the
    day's cap is reached. None when the whole range fits."""
    return db.session.scalar(select(Follower.id).where(*in_range(audience, after, upto), promotion_on(day).is_(None))
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
