"""Satisfaction reports for the tenant in context: plain functions returning dataclasses, used by the console's
ratings page and by the province reports (platform_core/dashboard/).

Periods are Vietnamese calendar days, both ends included: `period_start` 00:00 to the end of `period_end` in
Asia/Ho_Chi_Minh. A rating belongs to the period it was first given in (`Rating.submitted_at`); a dossier to
every period it was received or processed in (Decision 766's rule, `dossiers.decision766`).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select

from platform_core.catalogue.models import Procedure
from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.dossiers import decision766
from platform_core.extensions import db
from platform_core.feedback.models import Feedback
from platform_core.ratings.constants import (
    DISLIKE,
    EXPIRED,
    GROUP_AGENCY,
    GROUP_MONTH,
    GROUP_PROCEDURE,
    INVITED,
    SATISFIED,
    SCORES,
    SUBMITTED,
)
from platform_core.ratings.models import Rating, RatingInvitation
from platform_core.text import code_key

DECISION_766_TARGET = 90.0  # full score for indicator 5.4 at 90% or more (docs/domain.md §3)


def bounds(period_start: date, period_end: date) -> tuple[datetime, datetime]:
    """The UTC instants [start, end) of a period of Vietnamese days, both days included."""
    start = datetime.combine(period_start, time(0), tzinfo=VIETNAM).astimezone(UTC)
    end = datetime.combine(period_end + timedelta(days=1), time(0), tzinfo=VIETNAM).astimezone(UTC)
    return start, end


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


# --- satisfaction by procedure, agency or month -------------------------------------------------------------


@dataclass(frozen=True)
class SatisfactionRow:
    """One group's ratings: `counts` maps each level 5..1 to its number of ratings."""

    key: str  # procedure code, agency name or "YYYY-MM"
    label: str  # procedure name, agency name or "MM/YYYY"
    counts: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        return sum(count for score, count in self.counts.items() if score >= SATISFIED)

    @property
    def percent_satisfied(self) -> float | None:
        """Share of ratings "Hài lòng" or "Rất hài lòng", in percent (one decimal); None without ratings."""
        return _percent(self.satisfied, self.total)


def satisfaction_by(period_start: date, period_end: date, group: str = GROUP_PROCEDURE) -> list[SatisfactionRow]:
    """Ratings first given in the period, counted per level for each procedure (`group="procedure"`, labelled
    with the catalogue's name), agency (`"agency"`, the procedure's agency when rated) or month (`"month"`, in
    Vietnamese time, oldest first). Procedures and agencies come most rated first. Groups without ratings are
    left out."""
    start, end = bounds(period_start, period_end)
    in_period = (Rating.submitted_at >= start, Rating.submitted_at < end)
    if group == GROUP_MONTH:
        return _by_month(in_period)
    column = Rating.procedure_code if group == GROUP_PROCEDURE else func.coalesce(Rating.agency, "")
    if group not in (GROUP_PROCEDURE, GROUP_AGENCY):
        raise ValueError(f"unknown group {group!r}")
    counts: dict[str, Counter] = {}
    for key, score, number in db.session.execute(
        select(column, Rating.score, func.count()).where(*in_period).group_by(column, Rating.score)
    ):
        counts.setdefault(key, Counter())[score] = number
    labels = _procedure_names() if group == GROUP_PROCEDURE else {}
    rows = [SatisfactionRow(key, labels.get(key, key), _levels(levels)) for key, levels in counts.items()]
    return sorted(rows, key=lambda row: (-row.total, row.label))


def _by_month(in_period) -> list[SatisfactionRow]:
    counts: dict[str, Counter] = {}
    for submitted_at, score in db.session.execute(select(Rating.submitted_at, Rating.score).where(*in_period)):
        counts.setdefault(submitted_at.astimezone(VIETNAM).strftime("%Y-%m"), Counter())[score] += 1
    return [SatisfactionRow(month, f"{month[5:]}/{month[:4]}", _levels(counts[month])) for month in sorted(counts)]


def _levels(counter: Counter) -> dict[int, int]:
    return {score: counter.get(score, 0) for score in SCORES}


def _procedure_names() -> dict[str, str]:
    return dict(db.session.execute(select(Procedure.code, Procedure.name)).all())


# --- invitations answered ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationSummary:
    """What became of the invitations sent in the period: rated, still open, expired unanswered (an
    invitation's EXPIRED state is worked out from `expires_at`, not stored)."""

    sent: int
    rated: int
    open: int
    expired: int

    @property
    def percent_rated(self) -> float | None:
        return _percent(self.rated, self.sent)


def invitation_summary(period_start: date, period_end: date, now: datetime | None = None) -> InvitationSummary:
    """Invitations sent in the period (`RatingInvitation.invited_at`) by what became of them."""
    start, end = bounds(period_start, period_end)
    now = now or utcnow()
    state = case((RatingInvitation.status == SUBMITTED, SUBMITTED),
                 (RatingInvitation.expires_at <= now, EXPIRED), else_=INVITED)
    counts = dict(db.session.execute(
        select(state, func.count()).where(RatingInvitation.invited_at >= start, RatingInvitation.invited_at < end)
        .group_by(state)).all())
    return InvitationSummary(sent=sum(counts.values()), rated=counts.get(SUBMITTED, 0),
                             open=counts.get(INVITED, 0), expired=counts.get(EXPIRED, 0))


# --- Decision 766, indicator 5.4 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision766Figure:
    """Satisfaction with dossier handling (Decision 766/QĐ-TTg, indicator 5.4, docs/domain.md §3):

        figure = 100% − (late rate + rate of dossiers with a PAKN or a dislike)

    over the dossiers received or processed in the period, those unfinished at its end included, on time or late
    by `dossiers.decision766` (refusals and stops are end states that can be late; more than one supplement
    request is late). A dossier has a PAKN when a feedback's `related_dossier_code` names it (compared as codes
    are, `text.code_key`), a dislike when its rating is "Không hài lòng" or worse (score ≤ 2). A dossier with both
    a PAKN and a dislike counts once in the second rate; a late dossier with a dislike counts in both rates, as
    the formula adds them. Rates in percent.
    """

    period_start: date
    period_end: date
    handled: int
    unfinished: int
    late: int
    with_feedback: int
    disliked: int
    with_feedback_or_dislike: int

    @property
    def late_rate(self) -> float | None:
        return _percent(self.late, self.handled)

    @property
    def feedback_or_dislike_rate(self) -> float | None:
        return _percent(self.with_feedback_or_dislike, self.handled)

    @property
    def figure(self) -> float | None:
        """The indicator in percent (not below 0), None when no dossier was handled in the period."""
        if not self.handled:
            return None
        return max(0.0, round(100.0 - self.late_rate - self.feedback_or_dislike_rate, 1))

    @property
    def meets_target(self) -> bool:
        return self.figure is not None and self.figure >= DECISION_766_TARGET


def decision_766_figure(period_start: date, period_end: date, now: datetime | None = None) -> Decision766Figure:
    """Indicator 5.4 for the dossiers handled in the period (see Decision766Figure for the rules); a period that
    has not ended yet is judged as of now."""
    start, end = bounds(period_start, period_end)
    end = min(end, now or utcnow())
    counted = {history: judged for history in decision766.histories(start, end)
               if (judged := decision766.handling(history, start, end)) is not None}
    earliest = min((history.received_at for history in counted), default=end)  # nothing about them came sooner
    feedback_keys = {code_key(code) for code in db.session.scalars(
        select(Feedback.related_dossier_code).where(Feedback.related_dossier_code.is_not(None),
                                                    Feedback.received_at >= earliest))}
    with_feedback = {history.id for history in counted if history.code_key in feedback_keys}
    disliked = set(db.session.scalars(select(Rating.dossier_id).where(
        Rating.score <= DISLIKE, Rating.submitted_at >= earliest))) & {history.id for history in counted}
    return Decision766Figure(
        period_start=period_start, period_end=period_end, handled=len(counted),
        unfinished=sum(not judged.finished for judged in counted.values()),
        late=sum(judged.late for judged in counted.values()), with_feedback=len(with_feedback),
        disliked=len(disliked), with_feedback_or_dislike=len(with_feedback | disliked),
    )
