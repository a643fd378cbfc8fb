"""What waits for someone in the province, for the top of the dashboard: each task says how many, why it
matters and links to the page where it is done. Nothing waiting gives an empty list (the page says so).

Counted in the database, scoped to the tenant in context: feedback overdue or due within two days (the Decree
20 deadlines of feedback/deadlines.py), policy news waiting for a second administrator's approval, messages
that failed in the last seven days, and a Zalo connection that cannot send."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from platform_core.broadcasts.constants import PENDING_APPROVAL
from platform_core.broadcasts.models import Broadcast
from platform_core.delivery.constants import FAILED
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.feedback.deadlines import overdue_clause
from platform_core.feedback.models import Feedback
from platform_core.zalo.constants import STATUS_CONNECTED

DUE_SOON = timedelta(days=2)
FAILED_WINDOW = timedelta(days=7)
URGENT, ATTENTION = "urgent", "attention"


@dataclass(frozen=True)
class Task:
    text: str
    action: str
    url: str
    tone: str = ATTENTION
    admins_only: bool = False


def waiting_tasks(now: datetime, connection_status: str) -> list[Task]:
    tasks = [*_feedback_tasks(now), *_broadcast_tasks(), *_failed_delivery_tasks(now)]
    if connection_status != STATUS_CONNECTED:
        tasks.insert(0, Task(str(_l("The Zalo connection cannot send messages: citizens get nothing until it "
                                    "is reconnected.")), str(_l("Reconnect Zalo")),
                             url_for("zalo_admin.connection_page"), URGENT, admins_only=True))
    return tasks


def _count(statement) -> int:
    return db.session.scalar(statement) or 0


def _feedback_tasks(now: datetime) -> list[Task]:
    overdue = _count(select(func.count()).select_from(Feedback).where(overdue_clause(now)))
    due_soon = _count(select(func.count()).select_from(Feedback).where(overdue_clause(now + DUE_SOON))) - overdue
    inbox = url_for("feedback_admin.index")
    tasks = []
    if overdue:
        tasks.append(Task(ngettext("%(num)d feedback is past its deadline.", "%(num)d feedback are past their "
                                   "deadline.", overdue), str(_l("Handle overdue feedback")),
                          url_for("feedback_admin.index", overdue="y"), URGENT))
    if due_soon:
        tasks.append(Task(ngettext("%(num)d feedback is due within two days.", "%(num)d feedback are due within "
                                   "two days.", due_soon), str(_l("Open the feedback inbox")), inbox))
    return tasks


def _broadcast_tasks() -> list[Task]:
    waiting = _count(select(func.count()).select_from(Broadcast).where(Broadcast.status == PENDING_APPROVAL))
    if not waiting:
        return []
    return [Task(ngettext("%(num)d policy news item waits for a second administrator's approval.",
                          "%(num)d policy news items wait for a second administrator's approval.", waiting),
                 str(_l("Review policy news")), url_for("broadcasts_admin.index"), admins_only=True)]


def _failed_delivery_tasks(now: datetime) -> list[Task]:
    failed = _count(select(func.count()).select_from(Delivery).where(
        Delivery.state == FAILED, Delivery.created_at > now - FAILED_WINDOW))
    if not failed:
        return []
    return [Task(ngettext("%(num)d message failed in the last seven days.",
                          "%(num)d messages failed in the last seven days.", failed),
                 str(_l("See why and retry")), url_for("deliveries_admin.index", state="failed"))]
