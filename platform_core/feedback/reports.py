"""Figures about feedback for the reports (dashboard) and the officials' notices, as plain functions over the
tenant in context. Periods are [start, end) in UTC; callers pass Vietnam-day boundaries when they want days."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.feedback import deadlines
from platform_core.feedback.constants import OPEN_STATES
from platform_core.feedback.models import Feedback


def _received_in(start: datetime, end: datetime):
    return (Feedback.received_at >= start, Feedback.received_at < end)


def counts_by_status(start: datetime, end: datetime) -> dict[str, int]:
    """Feedback received in the period, by its current status."""
    rows = db.session.execute(select(Feedback.status, func.count()).where(*_received_in(start, end))
                              .group_by(Feedback.status))
    return {status: count for status, count in rows}


def counts_by_category(start: datetime, end: datetime) -> dict[str, int]:
    rows = db.session.execute(select(Feedback.category, func.count()).where(*_received_in(start, end))
                              .group_by(Feedback.category))
    return {category: count for category, count in rows}


@dataclass(frozen=True)
class OnTime:
    answered: int
    on_time: int

    @property
    def rate(self) -> float | None:
        """Share answered by the answer deadline (None when nothing was answered in the period)."""
        return self.on_time / self.answered if self.answered else None


def on_time_rate(start: datetime, end: datetime) -> OnTime:
    """Feedback answered in the period, and how many of them by their answer deadline."""
    answered = (Feedback.answered_at >= start, Feedback.answered_at < end)
    total = db.session.scalar(select(func.count()).select_from(Feedback).where(*answered))
    on_time = db.session.scalar(select(func.count()).select_from(Feedback)
                                .where(*answered, Feedback.answered_at <= Feedback.deadline_answer_at))
    return OnTime(total or 0, on_time or 0)


def overdue_count(now: datetime | None = None) -> int:
    """Open feedback past the deadline of their current stage, now."""
    return db.session.scalar(select(func.count()).select_from(Feedback)
                             .where(deadlines.overdue_clause(now or utcnow())))


@dataclass(frozen=True)
class NearDeadline:
    id: object
    code: str
    status: str
    deadline: datetime


def near_deadline(within: timedelta, now: datetime | None = None) -> list[NearDeadline]:
    """Open feedback whose current deadline falls within `within` from now (not yet past), soonest first."""
    now = now or utcnow()
    due = []
    for feedback in _open():
        deadline = deadlines.current_deadline(feedback)
        if deadline is not None and now <= deadline <= now + within:
            due.append(NearDeadline(feedback.id, feedback.code, feedback.status, deadline))
    return sorted(due, key=lambda item: item.deadline)


def _open() -> list[Feedback]:
    """Open feedback (answered ones too: publication is due); few per province at a time."""
    return list(db.session.scalars(select(Feedback).where(Feedback.status.in_(OPEN_STATES))))
