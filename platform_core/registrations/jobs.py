"""The webhook's jobs: POST one new registration to the province's software (registrations/webhook.py), retried
with the waits of the REGISTRATION_WEBHOOK_RETRY_SECONDS setting; queued once the registration is committed,
never sent in the citizen's request. Redis is only a transport: the delivery row is written in the
registration's transaction, and a pending row whose job Redis does not hold (Redis was down at the commit, or
lost the job since) is queued again by `requeue_deliveries`, which the scheduler runs every minute, as the
delivery sweeper does for Zalo messages (delivery/sweeper.py)."""

import dataclasses
import logging
import uuid
from datetime import timedelta

import redis
from rq import get_current_job
from sqlalchemy import select

from platform_core.db.after_commit import after_commit
from platform_core.db.cross_tenant import cross_tenant, record_standing_access
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.decorators import are_waiting, enqueue_job, job
from platform_core.jobs.queues import QUEUE_DEFAULT, QUEUE_MAINTENANCE
from platform_core.registrations import webhook
from platform_core.registrations.constants import WEBHOOK_EVENT, WEBHOOK_PENDING
from platform_core.registrations.models import Registration, WebhookDelivery
from platform_core.registrations.schemas import RegistrationView

log = logging.getLogger(__name__)
REQUEUE_AFTER = timedelta(minutes=1)  # a younger row's job may not be enqueued yet (the commit just happened)
REQUEUE_BATCH = 500
ACCESS = "registrations: queue again the webhook deliveries whose job Redis does not hold"


class WebhookFailed(Exception):
    """The receiver did not take the registration; RQ tries again after the next wait."""


def queue_delivery(registration: Registration) -> None:
    """When the province has a webhook: its delivery row now, the job once the caller's transaction commits."""
    delivery = webhook.new_delivery(registration)
    if delivery is not None:
        tenant_id, delivery_id = require_tenant().id, str(delivery.id)
        after_commit(db.session, lambda: _enqueue_after_commit(delivery_id, tenant_id))


def _enqueue_after_commit(delivery_id: str, tenant_id: uuid.UUID) -> None:
    try:
        enqueue_post(delivery_id, tenant_id)
    except redis.RedisError as error:  # the row stands: requeue_deliveries queues it when Redis answers
        log.warning("webhook delivery not queued: Redis is unreachable (%s); the sweep will queue it",
                    type(error).__name__, extra={"tenant_id": str(tenant_id), "delivery_id": delivery_id})


def enqueue_post(delivery_id: str, tenant_id: uuid.UUID, attempts: int = 0) -> None:
    """The job, named after its delivery, with the retries the delivery has left after `attempts`."""
    intervals = webhook.retry_intervals()[attempts:]
    spec = dataclasses.replace(post_registration.job_spec, retries=len(intervals), retry_intervals=intervals)
    enqueue_job(post_registration, spec, (delivery_id,), {}, tenant_id, job_key=_job_key(delivery_id))


def _job_key(delivery_id: str) -> str:
    return f"registration-webhook-{delivery_id}"


@job(queue=QUEUE_DEFAULT, timeout=60)
def post_registration(delivery_id: str) -> str:
    """Runs in the registration's tenant. A delivery already sent or given up is not sent again."""
    delivery = webhook.get_delivery(delivery_id)
    if delivery is None or delivery.status != WEBHOOK_PENDING:
        return "skipped"
    registration = db.session.scalar(select(Registration).where(Registration.id == delivery.registration_id))
    payload = {"event": WEBHOOK_EVENT, "delivery_id": delivery_id,
               "registration": RegistrationView().dump(registration) if registration else None}
    current = get_current_job()
    last_try = not (current and current.retries_left)
    sent = webhook.attempt(delivery, payload, last_try)
    db.session.commit()
    if not sent and delivery.status == WEBHOOK_PENDING:
        raise WebhookFailed(delivery.last_error)
    return delivery.status


@job(queue=QUEUE_MAINTENANCE, timeout=120, cross_tenant=True)
def requeue_deliveries() -> int:
    """Queue again each pending delivery older than REQUEUE_AFTER whose job is not waiting in Redis; returns
    how many. Its job keeps its name, so a delivery is never queued twice."""
    now = utcnow()
    with cross_tenant(ACCESS, audit=False):
        pending = db.session.execute(
            select(WebhookDelivery.id, WebhookDelivery.attempts, WebhookDelivery.tenant_id)
            .where(WebhookDelivery.status == WEBHOOK_PENDING, WebhookDelivery.created_at < now - REQUEUE_AFTER)
            .order_by(WebhookDelivery.created_at).limit(REQUEUE_BATCH)).all()
        waiting = are_waiting(post_registration.job_spec,
                              [(tenant_id, _job_key(str(delivery_id))) for delivery_id, _, tenant_id in pending])
        lost = [(str(delivery_id), attempts, tenant_id) for (delivery_id, attempts, tenant_id), queued
                in zip(pending, waiting, strict=True) if not queued]
        if lost:
            record_standing_access(ACCESS)
        db.session.commit()
    for delivery_id, attempts, tenant_id in lost:
        enqueue_post(delivery_id, tenant_id, attempts)
    return len(lost)
