"""The pump: claims due deliveries from the outbox and hands them to RQ in small batches.

Each tick it looks at every tenant's due rows (one audited cross-tenant read), then serves transactional
before bulk, visiting tenants in an order that rotates every tick. A tenant gets at most one batch per tick
and per class, only as many rows as its GCRA limiter grants, and only while it has fewer than
MAX_INFLIGHT_BATCHES batches claimed but not finished, so one province's backlog never queues ahead of
another province's fresh notices. Rows are claimed (claim_token) and committed before the job is enqueued:
if Redis is down the claim simply expires and the sweeper gives the rows back.
"""

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass

import redis
from sqlalchemy import and_, case, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from platform_core.clock import VIETNAM
from platform_core.db.cross_tenant import cross_tenant, record_standing_access
from platform_core.db.sqlite import begin_read_only
from platform_core.db.tenant_context import tenant_context
from platform_core.db.types import utcnow
from platform_core.delivery import jobs
from platform_core.delivery.constants import CLASS_BULK, CLASS_TX, MESSAGE_CLASSES, PENDING, SENDING
from platform_core.delivery.limiter import Request, acquire_many, count_daily, daily_key, daily_remaining
from platform_core.delivery.models import Delivery
from platform_core.delivery.policy import buckets_for, limits_for
from platform_core.delivery.sweeper import STALE_CLAIM
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.tenancy.constants import SERVED_STATUSES
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import ref

log = logging.getLogger(__name__)

BATCH_SIZE = {CLASS_TX: 20, CLASS_BULK: 50}
MAX_INFLIGHT_BATCHES = 2
JOB_FOR_CLASS = {CLASS_TX: jobs.deliver_transactional, CLASS_BULK: jobs.deliver_bulk}
LEADER_KEY = "motcua:delivery-pump:leader"
PUMP_ACCESS = "delivery pump: count due deliveries per tenant, every tick"


@dataclass
class Backlog:
    due: int = 0
    inflight: int = 0  # batches claimed and not finished


def backlog(now) -> dict[tuple[uuid.UUID, str], Backlog]:
    """Due and in-flight counts per (tenant, class), for every tenant at once."""
    due = func.sum(case((and_(Delivery.state == PENDING, Delivery.claim_token.is_(None),
                              Delivery.next_attempt_at <= now), 1), else_=0))
    # In flight is counted in batches (claim tokens), not rows: a paced tenant claims a row or two per tick, and
    # counting rows would let it stack dozens of one-row jobs in the shared queue ahead of other provinces.
    # Claims older than the sweeper's threshold are orphans (a crashed worker): they must not stall the tenant.
    fresh_claim = and_(Delivery.claim_token.is_not(None), Delivery.claimed_at > now - STALE_CLAIM)
    inflight = func.count(func.distinct(case((fresh_claim, Delivery.claim_token), else_=None)))
    db.session.commit()  # end whatever came before: this transaction only reads
    with cross_tenant(PUMP_ACCESS, audit=False):
        begin_read_only(db.session)
        rows = db.session.execute(
            select(Delivery.tenant_id, Delivery.message_class, due, inflight)
            .where(Delivery.state.in_((PENDING, SENDING)))
            .group_by(Delivery.tenant_id, Delivery.message_class)
        ).all()
        db.session.commit()
    return {(tenant_id, cls): Backlog(int(d or 0), int(i or 0)) for tenant_id, cls, d, i in rows}


def tick(rotation: int = 0, now=None) -> dict[str, int]:
    """One pass: claim and enqueue what the limits allow. Returns rows claimed per class."""
    now = now or utcnow()
    work = backlog(now)
    tenants = _served_tenants({tenant_id for tenant_id, _ in work})
    claimed = defaultdict(int)
    for message_class in (CLASS_TX, CLASS_BULK):
        order = sorted(t for t, cls in work if cls == message_class and work[(t, cls)].due and t in tenants)
        for tenant_id in order[rotation % len(order):] + order[:rotation % len(order)] if order else []:
            entry = work[(tenant_id, message_class)]
            if entry.inflight >= MAX_INFLIGHT_BATCHES:
                continue
            count = _serve(tenants[tenant_id], message_class, entry.due, now)
            if count:
                claimed[message_class] += count
    db.session.commit()  # hold no transaction (nor, on SQLite, the write lock) between ticks
    return dict(claimed)


def _served_tenants(ids) -> dict:
    if not ids:
        return {}
    rows = db.session.scalars(select(Tenant).where(Tenant.id.in_(ids), Tenant.status.in_(SERVED_STATUSES))).all()
    return {tenant.id: tenant for tenant in rows}


def _serve(tenant, message_class: str, due: int, now) -> int:
    with tenant_context(ref(tenant)):
        limits = {cls: limits_for(cls) for cls in MESSAGE_CLASSES}
        today = daily_key(tenant.id, message_class, now.astimezone(VIETNAM).strftime("%Y%m%d"))
        wanted = min(due, BATCH_SIZE[message_class])
        remaining = daily_remaining(today, limits[message_class].daily_cap)
        if remaining is not None:
            wanted = min(wanted, remaining)  # the province's day (Asia/Ho_Chi_Minh) starts the count afresh
        [grant] = acquire_many([Request(buckets_for(tenant.id, message_class, limits), wanted)])
        if not grant.granted:
            db.session.commit()
            return 0
        token = uuid.uuid4().hex
        count = claim(token, message_class, grant.granted, now)
        if count:
            count_daily(today, count)
            JOB_FOR_CLASS[message_class].enqueue(token)
        return count


def claim(token: str, message_class: str, limit: int, now) -> int:
    """Mark up to `limit` due rows of the tenant in context as claimed by `token`, and commit.

    The ids are locked and read first, then updated: an UPDATE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE
    SKIP LOCKED) can be re-planned as a rescanned semi-join on PostgreSQL and claim more than n rows."""
    ids = db.session.scalars(
        select(Delivery.id)
        .where(Delivery.state == PENDING, Delivery.claim_token.is_(None), Delivery.next_attempt_at <= now,
               Delivery.message_class == message_class)
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if ids:
        db.session.execute(
            update(Delivery).where(Delivery.id.in_(ids)).values(claim_token=token, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    return len(ids)


def run(stop, interval: float = 0.2, once: bool = False) -> None:
    """The pump loop. Only one pump works at a time (a Redis leader key); a second one waits as a standby."""
    me, rotation = uuid.uuid4().hex, 0
    record_standing_access(PUMP_ACCESS)
    db.session.commit()
    while not stop.is_set():
        try:
            if _lead(me):
                tick(rotation)
                rotation += 1
        except redis.RedisError as error:
            log.warning("pump: Redis unavailable (%s); deliveries stay in the database", error)
            db.session.rollback()
        except SQLAlchemyError as error:  # "database is locked", a dropped connection: the next tick tries again
            log.warning("pump: database error (%s); rolled back, going on", error)
            db.session.rollback()
        if once:
            return
        stop.wait(interval)


def _lead(me: str) -> bool:
    connection = get_redis()
    if connection.set(LEADER_KEY, me, nx=True, px=5000):
        return True
    if connection.get(LEADER_KEY) == me.encode():
        connection.pexpire(LEADER_KEY, 5000)
        return True
    return False
