"""Notices the platform writes itself when something is close to its deadline, for the officials who
handle it.

`notify_near_due(kind, items, ...)` is the hook: dossiers near their appointment and feedback near its current
deadline (feedback/reports.near_deadline) use it, both for the one-stop desk (position `mot_cua`, which
receives citizens' feedback as it receives dossiers). Each item gives one notice per official, once: the
idempotency key is the kind and the item's reference (a feedback's reference includes its status, so each
stage's deadline is announced once).

"Near" is NEAR_DUE_HOURS calendar hours before the appointment (simple and predictable); a working-day
calendar (platform_core/workdays) can replace it without changing the hook.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import func, select

from platform_core.auth.models import User
from platform_core.dossiers.constants import RESULT_READY, TERMINAL
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.feedback.constants import STATUS_LABELS as FEEDBACK_STATUS_LABELS
from platform_core.feedback.reports import near_deadline
from platform_core.officials import recipients, service
from platform_core.officials.constants import (
    KIND_DOSSIER_DUE,
    KIND_FEEDBACK_DUE,
    NEAR_DUE_HOURS,
    PLATFORM_SOURCE,
    POSITION_ONE_STOP,
    URGENCY_URGENT,
)
from platform_core.officials.models import OfficialProfile


@dataclass(frozen=True)
class NearDue:
    ref: str  # unique among the items of its kind: the dossier or feedback code
    title: str
    body: str
    due_at: datetime


def notify_near_due(kind: str, items: list[NearDue], position: str, now: datetime) -> int:
    """One notice per item for every active official in `position`; returns how many were new."""
    users = db.session.scalars(recipients.members_query().join(
        OfficialProfile, OfficialProfile.user_id == User.id).where(
        OfficialProfile.active.is_(True), OfficialProfile.position == position)).all()
    created = 0
    for item in items:
        data = {"kind": kind, "title": item.title, "body": item.body, "due_at": item.due_at,
                "urgency": URGENCY_URGENT, "source_system": PLATFORM_SOURCE, "source_ref": f"{kind}:{item.ref}"}
        notices, new = service.notify_users(users, data, now=now)
        created += len(notices) if new else 0
    return created


def dossiers_near_due(now: datetime) -> list[NearDue]:
    """Dossiers still being handled (not returned, refused, stopped or with their result ready) whose
    appointment falls within NEAR_DUE_HOURS."""
    due = func.coalesce(Dossier.revised_due_at, Dossier.due_at)
    rows = db.session.execute(select(Dossier, due).where(
        Dossier.status.not_in((*TERMINAL, RESULT_READY)), due >= now,
        due < now + timedelta(hours=NEAR_DUE_HOURS)).order_by(due)).all()
    return [NearDue(dossier.code, f"Hồ sơ {dossier.code} sắp đến hạn trả kết quả",
                    f"Thủ tục {dossier.procedure_code}, người nộp {dossier.applicant_name}.", at)
            for dossier, at in rows]


def feedback_near_deadline(now: datetime) -> list[NearDue]:
    """Open feedback whose current deadline (intake, supplement, answer or publication) falls within
    NEAR_DUE_HOURS."""
    with force_locale("vi"):
        return [NearDue(f"{item.code}:{item.status}", f"Phản ánh {item.code} sắp đến hạn xử lý",
                        f"Trạng thái: {FEEDBACK_STATUS_LABELS[item.status]}.", item.deadline)
                for item in near_deadline(timedelta(hours=NEAR_DUE_HOURS), now=now)]


def notify_dossiers_near_due(now: datetime) -> int:
    """Dossiers and feedback near their deadlines, for the one-stop desk (hourly)."""
    return (notify_near_due(KIND_DOSSIER_DUE, dossiers_near_due(now), POSITION_ONE_STOP, now)
            + notify_near_due(KIND_FEEDBACK_DUE, feedback_near_deadline(now), POSITION_ONE_STOP, now))
