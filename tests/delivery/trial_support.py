"""Helpers for trial-mode tests: a province put in trial, a linked team member, the pipeline run in-process."""

from datetime import UTC, datetime

from sqlalchemy import select

from platform_core.delivery import pump
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_ZALO_TX
from platform_core.zalo.models import Follower
from tests.conftest import as_tenant


def put_in_trial(tenant, status: str = "trial") -> None:
    tenant.status = status
    db.session.flush()


def link_follower(tenant, zalo_user_id: str, user) -> Follower:
    """`zalo_user_id` as `user`'s own Zalo account in `tenant` (what the staff link code flow records)."""
    with as_tenant(tenant):
        follower = Follower(zalo_user_id=zalo_user_id, staff_user_id=user.id, staff_linked_at=datetime.now(UTC),
                            last_interaction_at=datetime.now(UTC))
        db.session.add(follower)
        db.session.flush()
        return follower


def run_pipeline(tenant) -> int:
    """One pump tick, then every claimed batch sent by the real sender, in this process (as a worker would).
    Returns how many deliveries the pump claimed."""
    queue = open_queue(QUEUE_ZALO_TX)
    claimed = pump.tick().get("tx", 0)
    for job in queue.jobs:
        with as_tenant(tenant):
            job.func(*job.args)  # a batch of the tenant's, or a wave of several tenants' (each in its own)
    queue.empty()
    return claimed


def delivery_of(tenant, notification) -> Delivery:
    with as_tenant(tenant):
        return db.session.scalar(select(Delivery).where(Delivery.notification_id == notification.id))
