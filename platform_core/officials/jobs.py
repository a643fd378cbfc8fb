"""Periodic work for officials' notices, per tenant (jobs/fanout.py): re-send urgent unacknowledged notices
(every minute), daily digests (every 5 minutes, each official once a day at their hour), notices for dossiers
near their appointment and feedback near its deadline (hourly). Each tenant job takes an optional ISO instant
`at` standing for "now", so a test (or an operator replaying a missed run) can run it for a given time."""

from datetime import datetime

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.fanout import for_each_tenant
from platform_core.jobs.queues import QUEUE_DEFAULT, QUEUE_MAINTENANCE
from platform_core.officials import digest, near_due, service


def _moment(at: str | None) -> datetime:
    return datetime.fromisoformat(at) if at else utcnow()


def _run(step, at: str | None) -> int:
    count = step(_moment(at))
    db.session.commit()
    return count


@job(queue=QUEUE_DEFAULT, timeout=120)
def resend_notices(at: str | None = None) -> int:
    return _run(service.resend_due, at)


@job(queue=QUEUE_DEFAULT, timeout=300)
def send_digests(at: str | None = None) -> int:
    return _run(digest.send_digests, at)


@job(queue=QUEUE_MAINTENANCE, timeout=300)
def notify_dossiers_near_due(at: str | None = None) -> int:
    return _run(near_due.notify_dossiers_near_due, at)


@job(queue=QUEUE_MAINTENANCE, cross_tenant=True)
def resend_notices_everywhere() -> int:
    return for_each_tenant(resend_notices, "officials: re-send urgent notices")


@job(queue=QUEUE_MAINTENANCE, cross_tenant=True)
def send_digests_everywhere() -> int:
    return for_each_tenant(send_digests, "officials: daily digests")


@job(queue=QUEUE_MAINTENANCE, cross_tenant=True)
def notify_dossiers_near_due_everywhere() -> int:
    return for_each_tenant(notify_dossiers_near_due, "officials: dossiers and feedback near their deadlines")
