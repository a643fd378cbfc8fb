"""The reports' figures, read with grouped queries (one per figure, never one per row).

Every query groups by `tenant_id` first: in a province's context the session's scoping leaves that province's
rows only; inside `cross_tenant` (the operator's report) the same query gives one group per province. Only
counts, sums and the department names of the province's own catalogue come out; never a citizen's data.

Two figures are finished in Python over bounded rows (the period's rows, a few columns each):
- on time or late: `dossiers.decision766` (Decision 766's rule, read from each dossier's events) is the one
  definition of lateness for reports; restating it in SQL date arithmetic for two dialects would make a
  second one;
- the free consultation messages (costs.free_cs): a walk over each citizen's messages and interactions.
Day and month buckets are computed in SQL (buckets.local).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from platform_core.catalogue.models import Procedure
from platform_core.clock import VIETNAM
from platform_core.dashboard import buckets, costs
from platform_core.dashboard.period import Period
from platform_core.db.types import utcnow
from platform_core.delivery.constants import CS
from platform_core.delivery.models import Delivery, Notification
from platform_core.dossiers import decision766
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.feedback.constants import REJECTED
from platform_core.feedback.deadlines import overdue_clause
from platform_core.feedback.models import Feedback
from platform_core.officials.models import InternalNotice, OfficialProfile
from platform_core.ratings.models import Rating
from platform_core.zalo.constants import GROUP_CHAT_PREFIXES
from platform_core.zalo.models import Follower, ZaloEvent

# Feedback deadline outcomes (the answer deadline, 15 working days: docs/domain.md §4).
ANSWERED_ON_TIME, ANSWERED_LATE, OPEN_OVERDUE, OPEN_IN_TIME, NOT_ACCEPTED = (
    "answered_on_time", "answered_late", "open_overdue", "open_in_time", "not_accepted")


def count_by(*columns, where, model):
    """{(tenant_id, *columns values): count} of `model` rows matching `where`."""
    rows = db.session.execute(select(model.tenant_id, *columns, func.count()).where(*where)
                              .group_by(model.tenant_id, *columns))
    return {tuple(row[:-1]): row[-1] for row in rows}


def _in(column, period: Period):
    return and_(column >= period.since, column < period.until)


# --- dossiers -----------------------------------------------------------------------------------------------

def dossiers_by_status(period: Period) -> dict[tuple, int]:
    """{(tenant, status): dossiers received in the period}."""
    return count_by(Dossier.status, where=[_in(Dossier.received_at, period)], model=Dossier)


def dossiers_by_procedure(period: Period) -> dict[tuple, int]:
    """{(tenant, procedure code, procedure name): dossiers received in the period}."""
    rows = db.session.execute(
        select(Dossier.tenant_id, Procedure.code, Procedure.name, func.count())
        .join(Procedure, and_(Procedure.tenant_id == Dossier.tenant_id, Procedure.id == Dossier.procedure_id))
        .where(_in(Dossier.received_at, period))
        .group_by(Dossier.tenant_id, Procedure.code, Procedure.name)
    )
    return {(tenant, code, name): count for tenant, code, name, count in rows}


@dataclass
class Timeliness:
    on_time: int = 0
    late: int = 0

    @property
    def handled(self) -> int:
        return self.on_time + self.late

    @property
    def rate(self) -> float | None:
        """Percentage on time, None when nothing was handled."""
        return 100 * self.on_time / self.handled if self.handled else None


def timeliness(period: Period, now: datetime | None = None, by_month: bool = True) -> dict[tuple, Timeliness]:
    """{(tenant, month 'YYYY-MM', department): on time / late} as Decision 766 counts them
    (`dossiers.decision766`): each month counts the dossiers received or processed in it, unfinished ones as of
    the month's end (or now, for the month under way). `by_month=False` judges the whole period at once, month
    None: a dossier handled over several months is counted once."""
    cutoff = min(period.until, now or utcnow())
    histories = decision766.histories(period.since, cutoff)
    windows = _month_windows(period, cutoff) if by_month else [(None, period.since, cutoff)]
    result: dict[tuple, Timeliness] = defaultdict(Timeliness)
    for month, start, end in windows:
        for history in histories:
            judged = decision766.handling(history, start, end)
            if judged is not None:
                figures = result[(history.tenant_id, month, history.agency)]
                figures.late += judged.late
                figures.on_time += not judged.late
    return dict(result)


def _month_windows(period: Period, cutoff: datetime) -> list[tuple[str, datetime, datetime]]:
    """('YYYY-MM', start, end) of each month of the period up to `cutoff`, cut to the period."""
    windows = []
    for month in period.months():
        first = datetime(int(month[:4]), int(month[5:]), 1, tzinfo=VIETNAM)
        following = (first + timedelta(days=32)).replace(day=1)
        start, end = max(first, period.since), min(following, cutoff)
        if start < end:
            windows.append((month, start, end))
    return windows


# --- messages -----------------------------------------------------------------------------------------------

def deliveries_by_channel_state(period: Period) -> dict[tuple, int]:
    """{(tenant, channel, state): deliveries created in the period}. Simulated ones (test API keys) never
    reached Zalo and are left out."""
    return count_by(Delivery.channel, Delivery.state,
                    where=[_in(Delivery.created_at, period), Delivery.simulated.is_(False)], model=Delivery)


def _deliveries(*columns, by_department: bool):
    """SELECT `columns` FROM delivery; `by_department` joins what names the department a delivery belongs to:
    its dossier's procedure's agency (None: a message with no dossier: bot replies, news, notices)."""
    query = select(*columns).select_from(Delivery)
    if not by_department:
        return query
    return (query.join(Notification, and_(Notification.tenant_id == Delivery.tenant_id,
                                     Notification.id == Delivery.notification_id))
            .outerjoin(Dossier, and_(Dossier.tenant_id == Notification.tenant_id,
                                     Dossier.id == Notification.dossier_id))
            .outerjoin(Procedure, and_(Procedure.tenant_id == Dossier.tenant_id,
                                       Procedure.id == Dossier.procedure_id)))


@dataclass
class Sent:
    sent: int = 0
    delivered: int = 0
    seen: int = 0


def messages_sent(period: Period, by_department: bool = False) -> dict[tuple, Sent]:
    """{(tenant, month, department or None, channel): sent / delivered / seen} of the messages Zalo accepted
    (sent_at) in the period, simulated ones left out. Without `by_department` month and department are None
    (one grouped pass without the joins)."""
    month = buckets.local(Delivery.sent_at, buckets.MONTH)
    delivered = func.count(Delivery.delivered_at) + func.count(
        case((and_(Delivery.delivered_at.is_(None), Delivery.seen_at.is_not(None)), 1)))
    keys = [Delivery.tenant_id, month, Procedure.agency, Delivery.channel] if by_department \
        else [Delivery.tenant_id, Delivery.channel]
    query = _deliveries(*keys, func.count(), delivered, func.count(Delivery.seen_at), by_department=by_department)
    rows = db.session.execute(query.where(_in(Delivery.sent_at, period), Delivery.simulated.is_(False))
                              .group_by(*keys))
    result = {}
    for row in rows:
        *key, sent, delivered_count, seen = row
        key = tuple(key) if by_department else (key[0], None, None, key[1])
        result[key] = Sent(sent, delivered_count, seen)
    return result


def free_cs_counts(period: Period, by_department: bool = False) -> dict[tuple, int]:
    """{(tenant, month, department, 'cs'): free consultation messages} (see costs.py for the approximation)."""
    month = buckets.local(Delivery.sent_at, buckets.MONTH)
    columns = [Delivery.tenant_id, month, Procedure.agency] if by_department else [Delivery.tenant_id]
    rows = db.session.execute(
        _deliveries(*columns, Delivery.recipient_zalo_user_id, Delivery.sent_at, by_department=by_department)
        .where(_in(Delivery.sent_at, period), Delivery.simulated.is_(False), Delivery.channel == CS)
    )
    messages = [costs.CsMessage(_cs_key(row, by_department), (row.tenant_id, row.recipient_zalo_user_id),
                                row.sent_at) for row in rows]
    if not messages:
        return {}
    return costs.free_cs(messages, _interactions(period))


def _cs_key(row, by_department: bool) -> tuple:
    return (row[0], row[1], row[2], CS) if by_department else (row[0], None, None, CS)


def _interactions(period: Period) -> dict[tuple, list[datetime]]:
    """{(tenant, zalo user id): times they interacted}, from 48 hours before the period to its end."""
    interacted = and_(
        or_(ZaloEvent.event_name.in_(costs.INTERACTION_EVENTS),
            *(ZaloEvent.event_name.startswith(prefix) for prefix in costs.INTERACTION_PREFIXES)),
        *(~ZaloEvent.event_name.startswith(prefix) for prefix in GROUP_CHAT_PREFIXES))
    rows = db.session.execute(
        select(ZaloEvent.tenant_id, ZaloEvent.zalo_user_id, ZaloEvent.received_at)
        .where(interacted, ZaloEvent.received_at >= period.since - costs.FREE_CS_WINDOW,
               ZaloEvent.received_at < period.until)
    )
    result: dict[tuple, list[datetime]] = defaultdict(list)
    for tenant, user, at in rows:
        result[(tenant, user)].append(at)
    return result


def notices_sent(period: Period) -> dict[tuple, int]:
    """{(tenant, month, department): notices sent to officials}, the department being the official's."""
    month = buckets.local(InternalNotice.sent_at, buckets.MONTH)
    rows = db.session.execute(
        select(InternalNotice.tenant_id, month, OfficialProfile.agency, func.count())
        .outerjoin(OfficialProfile, and_(OfficialProfile.tenant_id == InternalNotice.tenant_id,
                                         OfficialProfile.user_id == InternalNotice.user_id))
        .where(_in(InternalNotice.sent_at, period))
        .group_by(InternalNotice.tenant_id, month, OfficialProfile.agency)
    )
    return {(tenant, month_, agency): count for tenant, month_, agency, count in rows}


# --- satisfaction and feedback ------------------------------------------------------------------------------
# Ratings are read straight from the Rating model (the ratings feature has its own reports; these few counts
# need no more than the table).

def ratings_by_score(period: Period) -> dict[tuple, int]:
    """{(tenant, score 1..5): ratings submitted in the period}."""
    return count_by(Rating.score, where=[_in(Rating.submitted_at, period)], model=Rating)


@dataclass
class RatingSum:
    count: int = 0
    total: int = 0

    @property
    def average(self) -> float | None:
        return self.total / self.count if self.count else None


def ratings_by_department(period: Period) -> dict[tuple, RatingSum]:
    """{(tenant, month, department): number and sum of scores} (the department as copied on the rating)."""
    month = buckets.local(Rating.submitted_at, buckets.MONTH)
    rows = db.session.execute(
        select(Rating.tenant_id, month, Rating.agency, func.count(), func.sum(Rating.score))
        .where(_in(Rating.submitted_at, period)).group_by(Rating.tenant_id, month, Rating.agency)
    )
    return {(tenant, month_, agency): RatingSum(count, int(total or 0))
            for tenant, month_, agency, count, total in rows}


def feedback_by_status(period: Period) -> dict[tuple, int]:
    """{(tenant, status): feedback received in the period}."""
    return count_by(Feedback.status, where=[_in(Feedback.received_at, period)], model=Feedback)


def feedback_deadline_outcome(now: datetime):
    """SQL: which of the five outcomes a feedback is in at `now`: answered against its answer deadline; open and
    overdue as the inbox counts it (past the deadline of its current stage, feedback/deadlines.py)."""
    answered = Feedback.answered_at.is_not(None)
    deadline = Feedback.deadline_answer_at
    return case(
        (Feedback.status == REJECTED, NOT_ACCEPTED),
        (and_(answered, or_(deadline.is_(None), Feedback.answered_at <= deadline)), ANSWERED_ON_TIME),
        (answered, ANSWERED_LATE),
        (overdue_clause(now), OPEN_OVERDUE),
        else_=OPEN_IN_TIME,
    )


def feedback_deadlines(period: Period, now: datetime | None = None) -> dict[tuple, int]:
    """{(tenant, outcome): feedback received in the period}."""
    return count_by(feedback_deadline_outcome(now or utcnow()), where=[_in(Feedback.received_at, period)],
                    model=Feedback)


@dataclass
class Answered:
    answered: int = 0
    on_time: int = 0


def feedback_answered(period: Period) -> dict[tuple, Answered]:
    """{(tenant, month, department): answered in the period, of which by the deadline}."""
    month = buckets.local(Feedback.answered_at, buckets.MONTH)
    on_time = func.count(case((or_(Feedback.deadline_answer_at.is_(None),
                                   Feedback.answered_at <= Feedback.deadline_answer_at), 1)))
    rows = db.session.execute(
        select(Feedback.tenant_id, month, Feedback.assigned_agency, func.count(), on_time)
        .where(_in(Feedback.answered_at, period)).group_by(Feedback.tenant_id, month, Feedback.assigned_agency)
    )
    return {(tenant, month_, agency): Answered(count, timely) for tenant, month_, agency, count, timely in rows}


# --- followers ----------------------------------------------------------------------------------------------

@dataclass
class FollowerSeries:
    start: int = 0  # following at the start of the period
    follows: Counter = field(default_factory=Counter)  # day 'YYYY-MM-DD' -> follows
    unfollows: Counter = field(default_factory=Counter)

    def cumulative(self, days: list[str]) -> list[int]:
        values, running = [], self.start
        for day in days:
            running += self.follows[day] - self.unfollows[day]
            values.append(running)
        return values


def followers(period: Period) -> dict[object, FollowerSeries]:
    """{tenant: followers at the start, follows and unfollows per day of the period}.

    A follower row keeps only its latest follow and unfollow: someone who left and came back counts from
    their latest follow (the earlier spell is not in the data). A follower who followed before the OA was
    connected is known from the import that listed them (`imported_at`, zalo/follower_import.py)."""
    known_since = func.coalesce(Follower.followed_at, Follower.imported_at)
    left_after = and_(Follower.unfollowed_at.is_not(None), Follower.unfollowed_at > known_since)
    result: dict[object, FollowerSeries] = defaultdict(FollowerSeries)
    start = db.session.execute(
        select(Follower.tenant_id, func.count())
        .where(known_since < period.since,
               or_(~left_after, Follower.unfollowed_at >= period.since))
        .group_by(Follower.tenant_id)
    )
    for tenant, count in start:
        result[tenant].start = count
    for column, attribute, extra in ((known_since, "follows", []),
                                     (Follower.unfollowed_at, "unfollows", [left_after])):
        day = buckets.local(column, buckets.DAY)
        rows = db.session.execute(select(Follower.tenant_id, day, func.count())
                                  .where(_in(column, period), *extra).group_by(Follower.tenant_id, day))
        for tenant, day_, count in rows:
            getattr(result[tenant], attribute)[day_] += count
    return dict(result)
