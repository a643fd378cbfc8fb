"""The webhook's job: POST one new registration to the province's software (registrations/webhook.py), retried
with the waits of the REGISTRATION_WEBHOOK_RETRY_SECONDS setting; queued once the registration is committed,
never sent in the citizen's request."""

import dataclasses
import uuid

from rq import get_current_job
from sqlalchemy import select

from platform_core.db.after_commit import after_commit
from platform_core.db.tenant_context import require_tenant
from platform_core.extensions import db
from platform_core.jobs.decorators import enqueue_job, job
from platform_core.jobs.queues import QUEUE_DEFAULT
from platform_core.registrations import webhook
from platform_core.registrations.constants import WEBHOOK_EVENT, WEBHOOK_PENDING
from platform_core.registrations.models import Registration
from platform_core.registrations.schemas import RegistrationView


class WebhookFailed(Exception):
    """The receiver did not take the registration; RQ tries again after the next wait."""


def queue_delivery(registration: Registration) -> None:
    """When the province has a webhook: its delivery row now, the job once the caller's transaction commits."""
    delivery = webhook.new_delivery(registration)
    if delivery is not None:
        tenant_id, delivery_id = require_tenant().id, str(delivery.id)
        after_commit(db.session, lambda: enqueue_post(delivery_id, tenant_id))


def enqueue_post(delivery_id: str, tenant_id: uuid.UUID) -> None:
    intervals = webhook.retry_intervals()
    spec = dataclasses.replace(post_registration.job_spec, retries=len(intervals), retry_intervals=intervals)
    enqueue_job(post_registration, spec, (delivery_id,), {}, tenant_id)


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
    if not sent and not last_try:
        raise WebhookFailed(delivery.last_error)
    return delivery.status
