"""Returning work that got stuck, so that nothing is lost when Redis, a worker or the network fails.

- A claim whose job never ran (Redis lost it, or was down when the pump enqueued): back to the pump.
- A row stuck in `sending` (the worker died during the Zalo call, or its job stopped half-way): sent again. For
  transactional messages we prefer a rare duplicate to a lost notice (at-least-once); the row records that the
  outcome was unknown, and its `attempts` counts the second send.

Which `sending` rows are stuck is told by their batch's heartbeat (delivery/heartbeat.py): a batch whose key is
gone is dead, and its rows go back at once, whatever their age; a batch whose key is present is alive, however
slow, and is never taken. Only when Redis cannot tell (it does not answer, or it restarted less than a heartbeat's
TTL ago and may have forgotten live batches) does the old rule decide: `sending` for STALE_SENDING. The scheduler
runs the sweep every few seconds (jobs/scheduler.py), so a killed worker's batch goes on within seconds.
"""

import logging
from datetime import timedelta

import redis
from sqlalchemy import and_, or_, select, update

from platform_core.db.cross_tenant import cross_tenant, record_standing_access
from platform_core.delivery import heartbeat
from platform_core.delivery.constants import PENDING, SENDING
from platform_core.delivery.models import Delivery
from platform_core.extensions import db

log = logging.getLogger(__name__)

STALE_CLAIM = timedelta(minutes=2)
STALE_SENDING = timedelta(minutes=5)  # the last resort, when Redis cannot tell which batches are alive
ACCESS = "delivery sweeper: return stale claims and the sends of dead batches"


def sweep_stale(now) -> dict:
    """One pass. Reading the batches in flight every few seconds is not audited (claim tokens, no tenant's data);
    a pass that gives rows back leaves the audit event."""
    with cross_tenant(ACCESS, audit=False):
        claims = db.session.execute(
            update(Delivery)
            .where(Delivery.state == PENDING, Delivery.claim_token.is_not(None),
                   Delivery.claimed_at < now - STALE_CLAIM)
            .values(claim_token=None, claimed_at=None)
        ).rowcount
        sending = _return_interrupted_sends(now)
        if claims or sending:
            record_standing_access(ACCESS)
        db.session.commit()
    return {"claims_returned": claims, "sends_retried": sending}


def _return_interrupted_sends(now) -> int:
    tokens = set(db.session.scalars(select(Delivery.claim_token).distinct()
                                    .where(Delivery.state == SENDING, Delivery.claim_token.is_not(None))))
    try:
        alive, trusted = heartbeat.check(tokens)
    except redis.RedisError as error:
        log.warning("delivery sweeper: Redis unavailable (%s); only sends older than %s are retried",
                    error, STALE_SENDING)
        alive, trusted = set(), False
    dead = tokens - alive if trusted else set()
    return db.session.execute(
        update(Delivery)
        .where(Delivery.state == SENDING,
               or_(Delivery.claim_token.in_(dead),
                   and_(Delivery.sending_started_at < now - STALE_SENDING,
                        or_(Delivery.claim_token.is_(None), Delivery.claim_token.not_in(alive)))))
        .values(state=PENDING, claim_token=None, claimed_at=None, next_attempt_at=now,
                error_message="worker stopped during the send; outcome unknown, sending again")
    ).rowcount
