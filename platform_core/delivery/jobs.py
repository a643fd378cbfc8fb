"""RQ jobs of the pipeline: deliver a claimed batch (in its tenant), sweep stale claims (platform)."""

import logging

from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.delivery import sender
from platform_core.delivery.constants import PENDING, SENDING
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_MAINTENANCE, QUEUE_ZALO_BULK, QUEUE_ZALO_TX
from platform_core.zalo.client_registry import zalo_client

log = logging.getLogger(__name__)


def _deliver(claim_token: str) -> dict:
    """Send every row still claimed by `claim_token`. Idempotent: a row not pending with this token (already
    sent, or returned by the sweeper and claimed again) is skipped."""
    rows = db.session.scalars(  # locked: the sweeper cannot hand these back while we mark them `sending`
        select(Delivery).where(Delivery.claim_token == claim_token, Delivery.state == PENDING)
        .order_by(Delivery.next_attempt_at).with_for_update()
    ).all()
    for row in rows:  # mark them all `sending` in one commit before any call: a crash now is detectable
        row.state, row.attempts, row.sending_started_at = SENDING, row.attempts + 1, utcnow()
    db.session.commit()
    client, outcomes = zalo_client(), {}
    for row in rows:
        state = sender.send(row, client)
        db.session.commit()
        outcomes[state] = outcomes.get(state, 0) + 1
    return outcomes


@job(queue=QUEUE_ZALO_TX, timeout=600, result_ttl=3600)
def deliver_transactional(claim_token: str) -> dict:
    return _deliver(claim_token)


@job(queue=QUEUE_ZALO_BULK, timeout=1800, result_ttl=3600)
def deliver_bulk(claim_token: str) -> dict:
    return _deliver(claim_token)


@job(queue=QUEUE_MAINTENANCE, timeout=300, cross_tenant=True)
def sweep() -> dict:
    from platform_core.delivery.sweeper import sweep_stale

    return sweep_stale(utcnow())
