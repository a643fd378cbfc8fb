"""Background work for the Zalo connection: event processing, token refresh, the event sweep, importing the
OA's existing followers (on connecting, from the console, nightly)."""

import logging
import uuid
from datetime import datetime, timedelta

import redis
from sqlalchemy import select

from platform_core.clock import VIETNAM
from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.tenant_context import current_tenant_id, tenant_context
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import job
from platform_core.jobs.fanout import ACTIVE_STATUSES
from platform_core.jobs.queues import QUEUE_DEFAULT, QUEUE_MAINTENANCE
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import ref
from platform_core.zalo import events, follower_import
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.constants import EVENT_RECEIVED, REFRESH_MARGIN_SECONDS, STATUS_CONNECTED
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.models import ZaloConnection, ZaloEvent
from platform_core.zalo.tokens import refresh_access_token

log = logging.getLogger(__name__)
STALE_EVENT_SECONDS = 120
NIGHTLY_IMPORT_HOUR = 3  # Vietnam time: the OA is quiet, and the 02:00 retention purge is done


@job(queue=QUEUE_DEFAULT, timeout=60, retries=3, retry_intervals=(10, 60, 300))
def process_event(event_id: str) -> str:
    """One event, retried by RQ when it fails (the events a drain could not process come here)."""
    event = db.session.scalar(select(ZaloEvent).where(ZaloEvent.id == uuid.UUID(event_id)))
    if event is None:
        return "missing"
    return _process(event)


def _process(event: ZaloEvent) -> str:
    try:
        status = events.process(event)
        db.session.commit()
    except Exception as error:
        # Keep the failure visible on the event (operators see it; the requeue sweep skips it).
        db.session.rollback()
        event.error = f"{type(error).__name__}: {error}"[:1000]
        db.session.commit()
        raise
    return status


# --- fair processing across provinces -----------------------------------------------------------------------
#
# Events are processed by a drain job per province, never more than one of them waiting in the queue: a drain
# takes a batch of its province's oldest events, then goes to the back of the queue if more are waiting. A
# burst of 10,000 events from one province then delays another province's citizen by one batch per province
# ahead of it, not by the whole burst (one job per event, first in first out, made a Đà Nẵng citizen wait 366 s
# behind Bắc Ninh's backlog; issue 12 item 7). Deliveries are fair the same way, by the pump's claim.

EVENT_BATCH = 20
DRAIN_QUEUED_SECONDS = 300  # a drain lost with its worker blocks new ones this long at most (the sweep retries)
DRAIN_RUNNING_SECONDS = 600  # the drain job's timeout


def schedule_events(tenant_id: uuid.UUID | None = None) -> bool:
    """Queue the drain of the province's events (the current tenant's by default), unless one is already
    waiting; returns whether one was queued."""
    tenant_id = tenant_id or current_tenant_id()
    connection = get_redis()
    if not connection.set(_drain_queued_key(tenant_id), "1", nx=True, ex=DRAIN_QUEUED_SECONDS):
        return False
    try:
        drain_events.enqueue(tenant_id=tenant_id)
    except Exception:
        connection.delete(_drain_queued_key(tenant_id))
        raise
    return True


@job(queue=QUEUE_DEFAULT, timeout=DRAIN_RUNNING_SECONDS)
def drain_events() -> int:
    """Process up to EVENT_BATCH of this province's waiting events, oldest first; returns how many."""
    tenant_id = current_tenant_id()
    connection = get_redis()
    connection.delete(_drain_queued_key(tenant_id))  # from now on a new event queues the next drain
    running = connection.lock(f"motcua:zalo-events:draining:{tenant_id}", timeout=DRAIN_RUNNING_SECONDS)
    if not running.acquire(blocking=False):
        return 0  # another drain of this province is at work; it queues the next one if events remain
    try:
        batch = db.session.scalars(_waiting_events().limit(EVENT_BATCH)).all()
        for event in batch:
            _process_or_hand_to_retries(event)
        more = db.session.scalar(select(_waiting_events().exists()))
        db.session.commit()
    finally:
        running.release()
    if more:
        schedule_events(tenant_id)
    return len(batch)


def _waiting_events():
    return (select(ZaloEvent).where(ZaloEvent.status == EVENT_RECEIVED, ZaloEvent.error.is_(None))
            .order_by(ZaloEvent.received_at, ZaloEvent.id))


def _process_or_hand_to_retries(event: ZaloEvent) -> None:
    try:
        _process(event)
    except Exception:  # noqa: BLE001 - recorded on the event; RQ retries it on its own from here
        log.warning("zalo event failed; retried on its own", extra={"event_id": str(event.id)})
        process_event.enqueue(str(event.id))


def _drain_queued_key(tenant_id: uuid.UUID) -> str:
    return f"motcua:zalo-events:drain-queued:{tenant_id}"


@job(queue=QUEUE_MAINTENANCE, timeout=600, cross_tenant=True)
def refresh_expiring_tokens() -> int:
    """Proactive refresh for every connection whose access token expires within the margin."""
    due_before = utcnow() + timedelta(seconds=REFRESH_MARGIN_SECONDS)
    with cross_tenant("zalo: find access tokens due for refresh"):
        due = db.session.execute(
            select(Tenant, ZaloConnection.access_token)
            .join(ZaloConnection, ZaloConnection.tenant_id == Tenant.id)
            .where(ZaloConnection.status == STATUS_CONNECTED, ZaloConnection.access_expires_at <= due_before)
        ).all()
        db.session.commit()
    refreshed = 0
    for tenant, stale_token in due:
        with tenant_context(ref(tenant)):
            try:
                refresh_access_token(zalo_client(), stale_token=stale_token)
                refreshed += 1
            except ZaloError as error:
                log.warning("proactive refresh failed: %s", error.code, extra={"tenant_id": str(tenant.id)})
    return refreshed


@job(queue=QUEUE_MAINTENANCE, timeout=300, cross_tenant=True)
def requeue_stale_events() -> int:
    """Events stored while Redis was down (or whose job was lost) are processed late, not never."""
    cutoff = utcnow() - timedelta(seconds=STALE_EVENT_SECONDS)
    with cross_tenant("zalo: requeue webhook events left unprocessed"):
        stale = db.session.execute(
            select(ZaloEvent.tenant_id, ZaloEvent.id)
            .where(ZaloEvent.status == EVENT_RECEIVED, ZaloEvent.error.is_(None), ZaloEvent.received_at <= cutoff)
            .limit(1000)
        ).all()
        db.session.commit()
    for tenant_id in {tenant_id for tenant_id, _ in stale}:
        schedule_events(tenant_id)
    return len(stale)


@job(queue=QUEUE_MAINTENANCE, timeout=3600)
def import_followers(import_id: str) -> str:
    """Run one follower import (zalo/follower_import.py); returns its final state."""
    finished = follower_import.run(uuid.UUID(import_id))
    return finished.state if finished else "missing"


def start_follower_import(trigger: str, actor=None):
    """Record an import and hand it to a worker; commits. With Redis down the import is marked failed
    (`not_queued`), so that the console says so instead of showing it queued for ever."""
    started, created = follower_import.begin(trigger, actor)
    db.session.commit()
    if not created:
        return started
    try:
        import_followers.enqueue(str(started.id))
    except redis.RedisError:
        log.warning("could not enqueue the follower import", extra={"tenant_id": str(started.tenant_id)})
        follower_import.fail(started, follower_import.ERROR_NOT_QUEUED)
        db.session.commit()
    return started


@job(queue=QUEUE_MAINTENANCE, timeout=600, cross_tenant=True)
def import_followers_everywhere(now: str | None = None) -> int:
    """At 03:00 in Vietnam, an import for every connected province that is being set up, in trial or live
    (followers whose `follow` webhook was missed are caught up). `now` (ISO 8601) stands for the time."""
    moment = datetime.fromisoformat(now) if now else datetime.now(VIETNAM)
    if moment.astimezone(VIETNAM).hour != NIGHTLY_IMPORT_HOUR:
        return 0
    with cross_tenant("zalo: nightly follower import of connected provinces"):
        tenants = db.session.scalars(
            select(Tenant).join(ZaloConnection, ZaloConnection.tenant_id == Tenant.id)
            .where(ZaloConnection.status == STATUS_CONNECTED, Tenant.status.in_(ACTIVE_STATUSES))
        ).all()
        db.session.commit()
    for tenant in tenants:
        with tenant_context(ref(tenant)):
            start_follower_import("nightly")
    return len(tenants)
