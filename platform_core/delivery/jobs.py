"""RQ jobs of the pipeline: deliver a claimed batch (in its tenant), sweep stale claims (platform).

A batch is sent by a small pool of threads (DELIVERY_SEND_THREADS): each message is mostly waiting on Zalo,
so one-at-a-time sending would cap a worker at 1 / (Zalo latency) messages per second (architecture.md,
performance notes). Each thread has its own app context, session and tenant context; the Zalo client's
connection pool is shared (httpx's sync client is thread-safe). A citizen's messages stay in order: the rows
of one recipient are sent one after the other by the same thread, different recipients in parallel.
"""

import logging
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from flask import current_app
from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.delivery import sender
from platform_core.delivery.constants import PENDING, SENDING
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.jobs.decorators import job
from platform_core.jobs.queues import QUEUE_MAINTENANCE, QUEUE_ZALO_BULK, QUEUE_ZALO_TX
from platform_core.tenancy.context import require_tenant, tenant_context
from platform_core.zalo.client_registry import zalo_client

log = logging.getLogger(__name__)


def _deliver(claim_token: str) -> dict:
    """Send every row still claimed by `claim_token`. Idempotent: a row not pending with this token (already
    sent, or returned by the sweeper and claimed again) is skipped."""
    rows = db.session.scalars(  # locked: the sweeper cannot hand these back while we mark them `sending`
        select(Delivery).where(Delivery.claim_token == claim_token, Delivery.state == PENDING)
        .order_by(Delivery.next_attempt_at, Delivery.id).with_for_update()
    ).all()
    for row in rows:  # mark them all `sending` in one commit before any call: a crash now is detectable
        row.state, row.attempts, row.sending_started_at = SENDING, row.attempts + 1, utcnow()
    db.session.commit()
    queues = _by_recipient(rows)
    threads = min(current_app.config["DELIVERY_SEND_THREADS"], len(queues))
    if threads <= 1:
        return dict(Counter(_send_one(delivery_id) for ids in queues for delivery_id in ids))
    app, tenant = current_app._get_current_object(), require_tenant()
    db.session.remove()  # the threads open their own sessions; this one holds nothing more

    def in_thread(ids):
        with app.app_context(), tenant_context(tenant):
            try:
                return [_send_one(delivery_id) for delivery_id in ids]
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="zalo-send") as pool:
        return dict(Counter(state for states in pool.map(in_thread, queues) for state in states))


def _by_recipient(rows) -> list[list]:
    """The rows' ids, one list per recipient, each in the batch's order."""
    queues: dict[object, list] = {}
    for row in rows:
        queues.setdefault(row.recipient_zalo_user_id or row.recipient_phone or row.id, []).append(row.id)
    return list(queues.values())


def _send_one(delivery_id) -> str:
    """Send one row (already marked `sending`) and commit its outcome."""
    row = db.session.scalar(select(Delivery).where(Delivery.id == delivery_id))
    state = sender.send(row, zalo_client())
    db.session.commit()
    return state


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
