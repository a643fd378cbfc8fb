"""A broadcast's progress and report, counted from its deliveries grouped by state (ix_delivery_tenant_notification):
- queued: waiting to be sent now (or being sent); deferred: waiting for a later time (night, the daily cap,
  a retry); sent: Zalo accepted it (delivered and seen included); failed; cancelled: stopped by an admin.
The status is settled from the same counts: once planning is done and nothing is waiting, SENT, or
PARTIALLY_FAILED when something failed.
"""

from dataclasses import asdict, dataclass
from types import SimpleNamespace

from sqlalchemy import and_, case, func, select, update

from platform_core.broadcasts.constants import PARTIALLY_FAILED, SENDING, SENT
from platform_core.delivery.constants import DELIVERED, FAILED, PENDING, PROMOTION, SEEN
from platform_core.delivery.constants import SENDING as DELIVERY_SENDING
from platform_core.delivery.constants import SENT as DELIVERY_SENT
from platform_core.delivery.errors_plain import CANCELLED_BY_ADMIN as CANCELLED_MESSAGE
from platform_core.delivery.errors_plain import explain
from platform_core.delivery.models import Delivery
from platform_core.extensions import db


@dataclass(frozen=True)
class Progress:
    queued: int = 0
    deferred: int = 0
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    planning: bool = False  # recipients are still being added

    @property
    def total(self) -> int:
        return self.queued + self.deferred + self.sent + self.failed + self.cancelled

    @property
    def waiting(self) -> int:
        return self.queued + self.deferred

    @property
    def percent_done(self) -> int:
        return 100 if not self.total else (self.total - self.waiting) * 100 // self.total

    def as_json(self) -> dict:
        return {**asdict(self), "total": self.total, "percent_done": self.percent_done}


def progress(broadcast, now) -> Progress:
    if broadcast.notification_id is None:
        return Progress()
    cancelled = and_(Delivery.state == FAILED, Delivery.error_code.is_(None),
                     Delivery.error_message == CANCELLED_MESSAGE)
    rows = db.session.execute(
        select(Delivery.state, func.count(),
               func.sum(case((and_(Delivery.state == PENDING, Delivery.next_attempt_at > now), 1), else_=0)),
               func.sum(case((cancelled, 1), else_=0)))
        .where(Delivery.notification_id == broadcast.notification_id)
        .group_by(Delivery.state)
    ).all()
    counts = {"queued": 0, "deferred": 0, "sent": 0, "failed": 0, "cancelled": 0}
    for state, count, later, stopped in rows:
        later, stopped = int(later or 0), int(stopped or 0)
        if state in (PENDING, DELIVERY_SENDING):
            counts["deferred"] += later
            counts["queued"] += count - later
        elif state in (DELIVERY_SENT, DELIVERED, SEEN):
            counts["sent"] += count
        else:
            counts["cancelled"] += stopped
            counts["failed"] += count - stopped
    return Progress(**counts, planning=broadcast.status == SENDING and broadcast.planning_done_at is None)


@dataclass(frozen=True)
class FailureGroup:
    code: int | None
    count: int
    what: str
    advice: str


def failures(broadcast) -> list[FailureGroup]:
    """Failed deliveries by Zalo error, most frequent first, each explained in plain words."""
    if broadcast.notification_id is None:
        return []
    rows = db.session.execute(
        select(Delivery.error_code, func.min(Delivery.error_message), func.count())
        .where(Delivery.notification_id == broadcast.notification_id, Delivery.state == FAILED,
               Delivery.error_message.is_distinct_from(CANCELLED_MESSAGE))
        .group_by(Delivery.error_code).order_by(func.count().desc())
    ).all()
    groups = []
    for code, message, count in rows:
        explanation = explain(SimpleNamespace(error_code=code, error_message=message, channel=PROMOTION,
                                              state=FAILED))
        groups.append(FailureGroup(code, count, explanation.what, explanation.advice))
    return groups


def settle(broadcast, current: Progress, now) -> bool:
    """Close a sending broadcast whose deliveries are all done; returns whether its status changed."""
    if broadcast.status != SENDING or broadcast.planning_done_at is None or current.waiting:
        return False
    broadcast.status = PARTIALLY_FAILED if current.failed else SENT
    broadcast.finished_at = now
    return True


def cancel_waiting(broadcast, now) -> int:
    """Mark every delivery not yet handed to Zalo as cancelled (failed, so the pump never claims it and a worker
    holding its claim skips it); returns how many."""
    if broadcast.notification_id is None:
        return 0
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.notification_id == broadcast.notification_id, Delivery.state == PENDING)
        .values(state=FAILED, error_code=None, error_message=CANCELLED_MESSAGE, claim_token=None, updated_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount
