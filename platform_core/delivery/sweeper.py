"""Returning work that got stuck, so that nothing is lost when Redis, a worker or the network fails.

- A claim whose job never ran (Redis lost it, or was down when the pump enqueued): back to the pump.
- A row stuck in `sending` (the worker died during the Zalo call): sent again. For transactional messages we
  prefer a rare duplicate to a lost notice (at-least-once); the row records that the outcome was unknown.
"""

from datetime import timedelta

from sqlalchemy import update

from platform_core.db.cross_tenant import cross_tenant
from platform_core.delivery.constants import PENDING, SENDING
from platform_core.delivery.models import Delivery
from platform_core.extensions import db

STALE_CLAIM = timedelta(minutes=2)
STALE_SENDING = timedelta(minutes=5)


def sweep_stale(now) -> dict:
    with cross_tenant("delivery sweeper: return stale claims and interrupted sends"):
        claims = db.session.execute(
            update(Delivery)
            .where(Delivery.state == PENDING, Delivery.claim_token.is_not(None),
                   Delivery.claimed_at < now - STALE_CLAIM)
            .values(claim_token=None, claimed_at=None)
        ).rowcount
        sending = db.session.execute(
            update(Delivery)
            .where(Delivery.state == SENDING, Delivery.sending_started_at < now - STALE_SENDING)
            .values(state=PENDING, claim_token=None, claimed_at=None, next_attempt_at=now,
                    error_message="worker stopped during the send; outcome unknown, sending again")
        ).rowcount
        db.session.commit()
    return {"claims_returned": claims, "sends_retried": sending}
