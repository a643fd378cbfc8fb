"""Background work for the Zalo connection: event processing, token refresh, the event sweep."""

import logging
import uuid
from datetime import timedelta

from sqlalchemy import select

from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_DEFAULT, QUEUE_MAINTENANCE
from platform_core.tenancy.context import tenant_context
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import ref
from platform_core.zalo import events
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.constants import EVENT_RECEIVED, REFRESH_MARGIN_SECONDS, STATUS_CONNECTED
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.models import ZaloConnection, ZaloEvent
from platform_core.zalo.tokens import refresh_access_token

log = logging.getLogger(__name__)
STALE_EVENT_SECONDS = 120


@job(queue=QUEUE_DEFAULT, timeout=60, retries=3, retry_intervals=(10, 60, 300))
def process_event(event_id: str) -> str:
    event = db.session.scalar(select(ZaloEvent).where(ZaloEvent.id == uuid.UUID(event_id)))
    if event is None:
        return "missing"
    try:
        status = events.process(event)
        db.session.commit()
    except Exception as error:
        # Keep the failure visible on the event (operators see it; the requeue sweep skips it) and let RQ retry.
        db.session.rollback()
        event.error = f"{type(error).__name__}: {error}"[:1000]
        db.session.commit()
        raise
    return status


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
    for tenant_id, event_id in stale:
        process_event.enqueue(str(event_id), tenant_id=tenant_id)
    return len(stale)
