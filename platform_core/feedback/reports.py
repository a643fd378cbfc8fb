"""Feedback near its deadline, for the officials' notices (officials/near_due.py), over the tenant in context.
The reports' figures are in dashboard/queries.py (grouped by tenant for the operators' page too)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.feedback import deadlines
from platform_core.feedback.constants import OPEN_STATES
from platform_core.feedback.models import Feedback


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
