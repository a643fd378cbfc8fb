"""RQ jobs of the pipeline: deliver a claimed batch (in its tenant, delivery/batch.py), deliver a wave of several
provinces' small batches (each in its own tenant), sweep stale claims (platform)."""

import uuid

from platform_core.db.types import utcnow
from platform_core.delivery import batch
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_MAINTENANCE, QUEUE_ZALO_BULK, QUEUE_ZALO_TX


@job(queue=QUEUE_ZALO_TX, timeout=600, result_ttl=3600)
def deliver_transactional(claim_token: str) -> dict:
    return batch.deliver(claim_token)


@job(queue=QUEUE_ZALO_TX, timeout=600, result_ttl=3600, cross_tenant=True)
def deliver_wave(claims: list[list[str]]) -> dict:
    """`claims`: [tenant id, claim token] pairs, packed by the pump (delivery/pump.py, `jobs_for`)."""
    return batch.deliver_wave([(uuid.UUID(tenant_id), token) for tenant_id, token in claims])


@job(queue=QUEUE_ZALO_BULK, timeout=1800, result_ttl=3600)
def deliver_bulk(claim_token: str) -> dict:
    return batch.deliver(claim_token)


@job(queue=QUEUE_MAINTENANCE, timeout=300, result_ttl=60, cross_tenant=True)  # every few seconds
def sweep() -> dict:
    from platform_core.delivery.sweeper import sweep_stale

    return sweep_stale(utcnow())
