"""Background work for the Zalo connection: event processing (the batches zalo/intake.py claims), token
refresh, importing the OA's existing followers (on connecting, from the console, nightly)."""

import logging
import time
import uuid
from datetime import datetime, timedelta

import redis
from sqlalchemy import select

from platform_core.clock import VIETNAM
from platform_core.db import batch_facts
from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.sqlite import begin_read_only
from platform_core.db.tenant_context import require_tenant, tenant_context
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.fanout import ACTIVE_STATUSES
from platform_core.jobs.queues import QUEUE_DEFAULT, QUEUE_MAINTENANCE, QUEUE_ZALO_EVENTS
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import ref
from platform_core.zalo import events, follower_import
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.constants import EVENT_RECEIVED, REFRESH_MARGIN_SECONDS, STATUS_CONNECTED
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.models import ZaloConnection, ZaloEvent
from platform_core.zalo.tokens import refresh_access_token

log = logging.getLogger(__name__)
NIGHTLY_IMPORT_HOUR = 3  # Vietnam time: the OA is quiet, and the 02:00 retention purge is done
WRITE_SLICE_SECONDS = 0.01  # SQLite: how long an event batch holds the write lock before it commits


@job(queue=QUEUE_DEFAULT, timeout=60, retries=3, retry_intervals=(10, 60, 300))
def process_event(event_id: str) -> str:
    """One event, retried by RQ when it fails (the events a batch could not process come here)."""
    event = db.session.scalar(select(ZaloEvent).where(ZaloEvent.id == uuid.UUID(event_id)))
    if event is None:
        return "missing"
    return _process(event)


def _process(event: ZaloEvent) -> str:
    try:
        status = events.process(event)
        db.session.commit()
    except Exception as error:
        # Keep the failure visible on the event (operators see it; the intake does not claim it again).
        db.session.rollback()
        event.error = f"{type(error).__name__}: {error}"[:1000]
        db.session.commit()
        raise
    return status


# --- batches claimed by the intake (zalo/intake.py) -----------------------------------------------------------

@job(queue=QUEUE_ZALO_EVENTS, timeout=300)
def process_events(claim_token: str) -> dict:
    """Process the batch of the province's events claimed with `claim_token`, oldest first (a citizen's events
    in the order they came): a burst costs a job per batch, not per event. What the events read is read first
    for all of them (`_read_batch`) and what they write is flushed together (`_write_slice`), so a batch costs
    the same reads and one statement per table however many events it holds. An event that fails is rolled
    back alone, keeps its error and goes to RQ's retries (`process_event`); the others commit. Events claimed
    again since (a stale claim) are not here."""
    processed, failed = 0, []
    with batch_facts.batch(db.session()):
        tenant, waiting = _read_batch(claim_token)  # the tenant held: its look-ups hit the identity map, not SQL
        while waiting:
            count, failures = _write_slice(waiting)
            processed, failed = processed + count - len(failures or ()), failed + (failures or [])
            waiting = waiting[count:]
            if failures is not None and waiting:
                tenant, waiting = _read_batch(claim_token)  # the rollback dropped what was read: read the rest again
    for event_id in failed:
        process_event.enqueue(str(event_id))
    return {"processed": processed, "failed": len(failed)}


def _write_slice(waiting: list[ZaloEvent]) -> tuple[int, list[uuid.UUID] | None]:
    """Process events from `waiting`, in order, without a savepoint each, and commit them in one flush; on
    SQLite, whose one write lock the webhook's inserts wait for, stop once WRITE_SLICE_SECONDS have passed
    (each event whole in one slice: its answer and its status commit together). When one fails (or the flush
    does), the slice is rolled back and done again one event per savepoint, so that only the failing event is
    left out. Returns how many events were done, and None, or after such a rollback the ids of those that
    failed (none, if the failure did not come back)."""
    started, count = time.monotonic(), 0
    try:
        for event in waiting:
            count += 1
            events.process(event)
            if event.zalo_user_id:
                batch_facts.forget(event.zalo_user_id)  # their next event in the batch reads afresh
            if _single_writer() and time.monotonic() - started >= WRITE_SLICE_SECONDS:
                break
        db.session.commit()
        return count, None
    except Exception:  # noqa: BLE001 - the slice is done again event by event, which records the error
        db.session.rollback()
        batch_facts.forget()
        failed = [event.id for event in waiting[:count] if not _process_in_savepoint(event)]
        db.session.commit()
        return count, failed


def _process_in_savepoint(event: ZaloEvent) -> bool:
    """Process `event` in its savepoint; False when it failed (its error recorded)."""
    try:
        with db.session.begin_nested():
            events.process(event)
    except Exception as error:  # noqa: BLE001 - recorded on the event; RQ retries it on its own from here
        event.error = f"{type(error).__name__}: {error}"[:1000]
        log.warning("zalo event failed; retried on its own", extra={"event_id": str(event.id)})
        return False
    return True


def _single_writer() -> bool:
    return db.engine.dialect.name == "sqlite"


def _read_batch(claim_token: str) -> tuple[Tenant, list[ZaloEvent]]:
    """The tenant, the claimed events and what handling them reads (zalo/events.py `load_batch`), in a
    read-only transaction: on SQLite the write lock, which the webhook's inserts wait for, is held only while
    the batch writes, not while it reads."""
    db.session.commit()
    begin_read_only(db.session)
    tenant = db.session.get(Tenant, require_tenant().id)
    batch = db.session.scalars(select(ZaloEvent).where(ZaloEvent.claim_token == claim_token,
                                                       ZaloEvent.status == EVENT_RECEIVED, ZaloEvent.error.is_(None))
                               .order_by(ZaloEvent.received_at, ZaloEvent.id)).all()
    events.load_batch(batch)
    db.session.commit()
    return tenant, batch


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
