"""Broadcast jobs: plan one broadcast (in its tenant), and the per-tenant minute tick that starts scheduled
broadcasts, resumes planning a crash or a Zalo refusal interrupted, uploads the banner again before Zalo
forgets it, and settles finished ones.

A Redis lock (tenant and broadcast in the key) keeps a single planner per broadcast; it expires LOCK_TTL after
the planner's last chunk, so a planner that died is replaced by the next tick, from the saved cursor.
"""

import logging

from sqlalchemy import select

from platform_core.broadcasts import article_broadcast, planning, progress, service
from platform_core.broadcasts.constants import CHANNEL_ARTICLE, SENDING
from platform_core.broadcasts.models import Broadcast
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import job
from platform_core.jobs.fanout import for_each_tenant
from platform_core.jobs.queues import QUEUE_DEFAULT, QUEUE_MAINTENANCE
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.tokens import ZaloNotConnected

log = logging.getLogger(__name__)
LOCK_TTL = 120  # seconds; far longer than one chunk takes


def _lock_key(broadcast_id) -> str:
    return f"motcua:broadcast-plan:{require_tenant().id}:{broadcast_id}"


@job(queue=QUEUE_DEFAULT, timeout=3600)
def plan_broadcast(broadcast_id: str) -> int:
    """Upload the banner (when stale), then plan every remaining chunk; returns the chunks written (0 if another
    planner holds the broadcast). An article broadcast has no chunks: it is sent in one call (1 when Zalo took
    it). When Zalo refuses or the province is not connected, the reason is kept on the broadcast for its page
    and the next tick tries again."""
    key, redis = _lock_key(broadcast_id), get_redis()
    if not redis.set(key, "1", nx=True, ex=LOCK_TTL):
        return 0
    try:
        broadcast = service.get(broadcast_id)
        if broadcast is None or broadcast.status != SENDING:
            return 0
        if broadcast.channel == CHANNEL_ARTICLE:
            return int(article_broadcast.send(broadcast, zalo_client()))
        planning.upload_image(broadcast, zalo_client())
        chunks = planning.plan(broadcast.id, after_chunk=lambda: redis.expire(key, LOCK_TTL))
        planning.clear_failure(broadcast)
        return chunks
    except (ZaloError, ZaloNotConnected) as error:
        log.warning("broadcast %s: planning failed: %s", broadcast_id, error)
        planning.record_failure(broadcast_id, error)
        return 0
    finally:
        redis.delete(key)


@job(queue=QUEUE_MAINTENANCE, timeout=300)
def broadcasts_tick() -> dict:
    """Start what is scheduled and due, resume unfinished planning, settle broadcasts whose sends are done."""
    now, started, resumed, settled = utcnow(), 0, 0, 0
    for broadcast in service.due_scheduled(now):
        service.start(broadcast, now)
        started += 1
    db.session.commit()
    sending = db.session.scalars(select(Broadcast).where(Broadcast.status == SENDING)).all()
    for broadcast in sending:
        if broadcast.planning_done_at is None or planning.image_is_stale(broadcast, now):
            if not get_redis().exists(_lock_key(broadcast.id)):
                plan_broadcast.enqueue(str(broadcast.id))
                resumed += 1
        elif progress.settle(broadcast, progress.progress(broadcast, now), now):
            settled += 1
    db.session.commit()
    return {"started": started, "resumed": resumed, "settled": settled}


@job(queue=QUEUE_MAINTENANCE, timeout=120, cross_tenant=True)
def broadcasts_tick_everywhere() -> int:
    return for_each_tenant(broadcasts_tick, "broadcasts: start scheduled, resume planning, settle")
