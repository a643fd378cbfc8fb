"""A feedback's deadlines in working days (docs/domain.md §4) and which one applies in each state.

From submission (or from the citizen's added information, which restarts intake): decide on intake within
REJECT_WORKING_DAYS, ask for more information within SUPPLEMENT_WORKING_DAYS, answer within
ANSWER_WORKING_DAYS; once answered, publish within PUBLISH_WORKING_DAYS. While the province waits for the
citizen's information no deadline runs (the clock is the citizen's).
"""

from datetime import datetime

from sqlalchemy import and_, or_

from platform_core.db.tenant_context import require_tenant
from platform_core.feedback.constants import (
    ACCEPTED,
    ANSWER_WORKING_DAYS,
    ANSWERED,
    CLASSIFIED,
    IN_PROGRESS,
    PUBLISH_WORKING_DAYS,
    REJECT_WORKING_DAYS,
    SUBMITTED,
    SUPPLEMENT_WORKING_DAYS,
    SUPPLEMENTED,
)
from platform_core.feedback.models import Feedback
from platform_core.workdays import calendar_for

INTAKE_STATES, HANDLING_STATES = (SUBMITTED, SUPPLEMENTED), (ACCEPTED, CLASSIFIED, IN_PROGRESS)


def add_working_days(start: datetime, days: int) -> datetime:
    return calendar_for(require_tenant().slug).add_working_days(start, days)


def start_clock(feedback: Feedback, start: datetime) -> None:
    """Intake and answer deadlines counted from `start` (submission, or the citizen's added information)."""
    feedback.deadline_reject_at = add_working_days(start, REJECT_WORKING_DAYS)
    feedback.deadline_supplement_at = add_working_days(start, SUPPLEMENT_WORKING_DAYS)
    feedback.deadline_answer_at = add_working_days(start, ANSWER_WORKING_DAYS)


def start_publish_clock(feedback: Feedback, answered_at: datetime) -> None:
    feedback.deadline_publish_at = add_working_days(answered_at, PUBLISH_WORKING_DAYS)


def current_deadline(feedback: Feedback) -> datetime | None:
    """The deadline the province must meet next, or None when nothing is due from it."""
    if feedback.status in INTAKE_STATES:
        return feedback.deadline_reject_at
    if feedback.status in HANDLING_STATES:
        return feedback.deadline_answer_at
    if feedback.status == ANSWERED:
        return feedback.deadline_publish_at
    return None


def is_overdue(feedback: Feedback, now: datetime) -> bool:
    deadline = current_deadline(feedback)
    return deadline is not None and now > deadline


def overdue_clause(now: datetime):
    """The SQL form of is_overdue, to filter and count in the database."""
    return or_(and_(Feedback.status.in_(INTAKE_STATES), Feedback.deadline_reject_at < now),
               and_(Feedback.status.in_(HANDLING_STATES), Feedback.deadline_answer_at < now),
               and_(Feedback.status == ANSWERED, Feedback.deadline_publish_at < now))
