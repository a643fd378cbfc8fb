"""The pump: claims due deliveries for every tenant at once and hands them to RQ as batches (issue 11 item 3).

A tick costs the same few statements and Redis round trips however many provinces are due:
1. `due_work`, in one read-only transaction: one statement lists every served tenant with, per message class,
   its due rows (counted up to a batch, so each count reads at most a batch of index entries) and its batches
   in flight; one more reads their rate policies.
2. The grants, in one call of the GCRA limiter's script (delivery/limiter.py): every (tenant, class) with rows
   due and fewer than MAX_INFLIGHT_BATCHES batches in flight asks for up to a batch, within its daily cap (one
   MGET); transactional requests come first, so they take from the OA's shared bucket before bulk does.
3. `claim_all`: one UPDATE ... RETURNING gives each grant's rows its own claim token, and commits. Rows are
   claimed and committed before the jobs are enqueued: if Redis is down the claims expire and the sweeper gives
   the rows back.
4. One RQ job per claim token (delivery/batch.py sends it), all enqueued in one pipeline, transactional first
   and the tenants in an order that rotates every tick; the day's counts in one more. A grant that takes every
   row its tenant has due (a quiet province's notice or two, not a backlog) goes to the front of its queue: it
   waits for a free worker, not behind every batch the backlogged provinces have waiting; the tick's
   transactional ones are packed into waves (`jobs_for`), so that one worker sends them side by side.
A tenant gets at most one batch per class and tick, and holds at most MAX_INFLIGHT_BATCHES batches claimed but
not finished, so one province's backlog never queues ahead of another province's fresh notices.
"""

import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

import redis
from flask import current_app
from sqlalchemy import (
    ARRAY,
    Integer,
    String,
    Uuid,
    bindparam,
    column,
    func,
    literal,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from platform_core.clock import VIETNAM
from platform_core.db.cross_tenant import cross_tenant, record_standing_access
from platform_core.db.sqlite import begin_read_only
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery import jobs
from platform_core.delivery.constants import CLASS_BULK, CLASS_TX, MESSAGE_CLASSES, PENDING, SENDING
from platform_core.delivery.limiter import Request, acquire_many, count_daily, daily_key, daily_remaining, gathering
from platform_core.delivery.models import Delivery
from platform_core.delivery.policy import buckets_for, limits_of_all
from platform_core.delivery.sweeper import STALE_CLAIM
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.decorators import enqueue_many
from platform_core.tenancy.constants import SERVED_STATUSES, STATUS_LIVE
from platform_core.tenancy.models import Tenant

log = logging.getLogger(__name__)

MAX_INFLIGHT_BATCHES = 2
JOB_FOR_CLASS = {CLASS_TX: jobs.deliver_transactional, CLASS_BULK: jobs.deliver_bulk}
LEADER_KEY = "motcua:delivery-pump:leader"
PUMP_ACCESS = "delivery pump: count and claim every tenant's due deliveries, every tick"
SQLITE_GRANTS_PER_STATEMENT = 200  # SQLite allows 500 terms in a compound SELECT
# Other intakes the leader claims for every tick, registered in wiring.py (the webhook events, zalo/intake.py):
# (called once when the pump starts, called every tick with the rotation).
_companions: list[tuple[Callable[[], object], Callable[[int], object]]] = []


def on_tick(tick_hook: Callable[[int], object], on_start: Callable[[], object]) -> None:
    _companions.append((on_start, tick_hook))


@dataclass(frozen=True)
class Work:
    """What one tenant has for one message class, this tick."""

    tenant_id: uuid.UUID
    message_class: str
    due: int  # counted up to a batch
    inflight: int  # batches claimed and not finished


@dataclass(frozen=True)
class Grant:
    """Up to `count` of the tenant's due rows of the class, to be claimed with `token`."""

    tenant_id: uuid.UUID
    message_class: str
    count: int
    token: str
    caught_up: bool = False  # the grant takes every row the tenant has due: its job goes before the backlogs


def tick(rotation: int = 0, now=None) -> dict[str, int]:
    """One pass: claim and enqueue what the limits allow, for every tenant. Returns rows claimed per class."""
    now = now or utcnow()
    work, limits = due_work(now)
    grants = _grants(_rotated(work, rotation), limits, now)
    with cross_tenant(PUMP_ACCESS, audit=False):
        claimed = claim_all(grants, now) if grants else {}
        db.session.commit()  # hold no transaction (nor, on SQLite, the write lock) between ticks
    served = [grant for grant in grants if claimed.get(grant.token)]
    enqueue_many(jobs_for(served, claimed))
    count_daily(_daily_counts(served, claimed, limits, now))
    totals = Counter()
    for grant in served:
        totals[grant.message_class] += claimed[grant.token]
    return dict(totals)


def jobs_for(served: list[Grant], claimed: dict[str, int]) -> list[tuple]:
    """The enqueue calls for the claimed grants, in their order: one job per grant, except the tick's transactional
    grants that take every row their province has due (a quiet province's notice or two), which are packed into
    waves of up to a batch of rows, at the front of the queue. One worker sends a wave's provinces side by side
    and waits out Zalo once for all of them; one job each waited for a free worker behind the broadcasts'
    batches (docs/architecture.md, delivery pipeline)."""
    small = [grant for grant in served if grant.message_class == CLASS_TX and grant.caught_up]
    calls = [_wave_call(wave) for wave in _packed(small, claimed)]
    return calls + [(JOB_FOR_CLASS[grant.message_class], (grant.token,), grant.tenant_id, grant.caught_up)
                    for grant in served if not (grant.message_class == CLASS_TX and grant.caught_up)]


def _packed(grants: list[Grant], claimed: dict[str, int]) -> list[list[Grant]]:
    """The grants in order, cut into waves of at most a batch of claimed rows (a grant is never split)."""
    waves, rows = [], batch_size()
    for grant in grants:
        if rows + claimed[grant.token] > batch_size():
            waves.append([])
            rows = 0
        waves[-1].append(grant)
        rows += claimed[grant.token]
    return waves


def _wave_call(wave: list[Grant]) -> tuple:
    """A wave of one province is that province's own job; of several, a job that crosses them (each batch still
    sent in its own tenant, delivery/batch.deliver_wave)."""
    if len(wave) == 1:
        return jobs.deliver_transactional, (wave[0].token,), wave[0].tenant_id, True
    return jobs.deliver_wave, ([[str(grant.tenant_id), grant.token] for grant in wave],), None, True


def due_work(now) -> tuple[list[Work], dict]:
    """Every served tenant's due rows and in-flight batches per class, and the limits of those with rows due,
    in one read-only transaction (on SQLite it takes no write lock, so senders do not queue behind the pump)."""
    db.session.commit()  # end whatever came before: this transaction only reads
    with cross_tenant(PUMP_ACCESS, audit=False):
        begin_read_only(db.session)
        rows = db.session.execute(_due_work(), {"now": now, "stale_before": now - STALE_CLAIM,
                                                "batch_size": batch_size()}).all()
        work = [Work(tenant_id, cls, due[n], inflight[n]) for tenant_id, _, due, inflight in map(_split, rows)
                for n, cls in enumerate(MESSAGE_CLASSES) if due[n]]
        limits = limits_of_all({tenant_id: status != STATUS_LIVE for tenant_id, status, due, _ in map(_split, rows)
                                if any(due)})
        db.session.commit()
    return work, limits


def _split(row) -> tuple:
    """(tenant id, status, due per class, in flight per class) from a `_due_work` row."""
    width = len(MESSAGE_CLASSES)
    return row[0], row[1], row[2:2 + width], row[2 + width:]


@cache
def _due_work():
    return select(Tenant.id, Tenant.status, *[_due(cls) for cls in MESSAGE_CLASSES],
                  *[_inflight(cls) for cls in MESSAGE_CLASSES]).where(Tenant.status.in_(SERVED_STATUSES))


def _claimable(now):
    return (Delivery.state == PENDING, Delivery.claim_token.is_(None), Delivery.next_attempt_at <= now)


def _due(message_class: str):
    """The tenant's due rows of the class, counted up to a batch (the scan stops there: ix_delivery_due)."""
    rows = (select(literal(1)).where(Delivery.tenant_id == Tenant.id, Delivery.message_class == message_class,
                                     *_claimable(bindparam("now")))
            .limit(bindparam("batch_size")).correlate(Tenant).subquery())
    return select(func.count()).select_from(rows).scalar_subquery()


def _inflight(message_class: str):
    """Batches (claim tokens), not rows: a paced tenant claims a row or two per tick, and counting rows would let
    it stack dozens of one-row jobs in the shared queue ahead of other provinces. Claims older than the
    sweeper's threshold are orphans (a crashed worker): they must not stall the tenant."""
    return (select(func.count(func.distinct(Delivery.claim_token)))
            .where(Delivery.tenant_id == Tenant.id, Delivery.message_class == message_class,
                   Delivery.state.in_((PENDING, SENDING)), Delivery.claim_token.is_not(None),
                   Delivery.claimed_at > bindparam("stale_before"))
            .correlate(Tenant).scalar_subquery())


def _rotated(work: list[Work], rotation: int) -> list[Work]:
    """Transactional before bulk; within a class the tenants in id order, starting `rotation` places on."""
    ordered = []
    for message_class in MESSAGE_CLASSES:
        mine = sorted((entry for entry in work if entry.message_class == message_class), key=lambda e: e.tenant_id)
        start = rotation % len(mine) if mine else 0
        ordered += mine[start:] + mine[:start]
    return ordered


def _grants(work: list[Work], limits: dict, now) -> list[Grant]:
    """What the limiter grants each entry below its in-flight cap, in one script call, in `work`'s order."""
    asking = [entry for entry in work if entry.inflight < MAX_INFLIGHT_BATCHES]
    remaining = daily_remaining({_today(entry.tenant_id, entry.message_class, now): cap for entry in asking
                                 if (cap := limits[entry.tenant_id][entry.message_class].daily_cap) is not None})
    wanted = [min(entry.due, batch_size(),
                  remaining.get(_today(entry.tenant_id, entry.message_class, now), entry.due)) for entry in asking]
    buckets = [buckets_for(entry.tenant_id, entry.message_class, limits[entry.tenant_id]) for entry in asking]
    answers = acquire_many([Request(bucket_set, n, gathering(bucket_set, n))
                            for bucket_set, n in zip(buckets, wanted, strict=True)])
    return [Grant(entry.tenant_id, entry.message_class, answer.granted, uuid.uuid4().hex,
                  caught_up=answer.granted >= entry.due and entry.due < batch_size())  # due is counted to a batch
            for entry, answer in zip(asking, answers, strict=True) if answer.granted > 0]


def batch_size() -> int:
    """The most rows one delivery job is given (DELIVERY_BATCH_SIZE, the same for both classes)."""
    return current_app.config["DELIVERY_BATCH_SIZE"]


def _today(tenant_id, message_class: str, now) -> str:
    """The day's count key: the province's day (Asia/Ho_Chi_Minh) starts the count afresh."""
    return daily_key(tenant_id, message_class, now.astimezone(VIETNAM).strftime("%Y%m%d"))


def _daily_counts(served: list[Grant], claimed: dict[str, int], limits: dict, now) -> dict[str, int]:
    return {_today(grant.tenant_id, grant.message_class, now): claimed[grant.token] for grant in served
            if limits[grant.tenant_id][grant.message_class].daily_cap is not None}


def claim_all(grants: list[Grant], now) -> dict[str, int]:
    """Mark up to each grant's count of its tenant's due rows of its class with its token, oldest due first, in
    one UPDATE ... RETURNING (SQLite: one per SQLITE_GRANTS_PER_STATEMENT grants). Returns rows claimed per
    token; the caller commits. The caller crosses tenants, or claims for the tenant in context only. The
    statements are built once per shape and take the grants as parameters: building and compiling a
    statement of a few hundred terms every tick would cost more than running it."""
    if db.session.get_bind().dialect.name == "postgresql":
        chunks = [(_claim_lateral(), {"tenant_ids": [grant.tenant_id for grant in grants],
                                      "classes": [grant.message_class for grant in grants],
                                      "counts": [grant.count for grant in grants],
                                      "tokens": [grant.token for grant in grants]})]
    else:
        chunks = [(_claim_union(len(chunk)), _numbered(chunk)) for chunk in (
            grants[start:start + SQLITE_GRANTS_PER_STATEMENT]
            for start in range(0, len(grants), SQLITE_GRANTS_PER_STATEMENT))]
    claimed = Counter()
    for statement, params in chunks:
        claimed.update(db.session.scalars(statement, params | {"now": now}).all())
    return dict(claimed)


def _claiming(picked):
    """The UPDATE that gives the rows `picked` (token, tenant id, id) their token."""
    return (update(Delivery).add_cte(picked)
            .where(Delivery.tenant_id == picked.c.tenant_id, Delivery.id == picked.c.id)
            .values(claim_token=picked.c.token, claimed_at=bindparam("now"))
            .returning(Delivery.claim_token)
            .execution_options(synchronize_session=False))


@cache
def _claim_lateral():
    """PostgreSQL: the grants as arrays unnested into rows, each joined LATERAL to its tenant's due rows, locked
    FOR UPDATE SKIP LOCKED (a second pump during a leader change skips what the first holds). The CTE is
    MATERIALIZED: picked once, never re-planned as a rescanned semi-join that could claim more than a grant's
    count."""
    wanted = func.unnest(bindparam("tenant_ids", type_=ARRAY(Uuid)), bindparam("classes", type_=ARRAY(String)),
                         bindparam("counts", type_=ARRAY(Integer)), bindparam("tokens", type_=ARRAY(String)),
                         ).table_valued(column("tenant_id", Uuid), column("message_class", String),
                                        column("count", Integer), column("token", String)).render_derived("grants")
    rows = (select(Delivery.tenant_id, Delivery.id)
            .where(Delivery.tenant_id == wanted.c.tenant_id, Delivery.message_class == wanted.c.message_class,
                   *_claimable(bindparam("now")))
            .order_by(Delivery.next_attempt_at).limit(wanted.c.count)
            .with_for_update(of=Delivery, skip_locked=True).lateral("due"))
    return _claiming(select(wanted.c.token, rows.c.tenant_id, rows.c.id).select_from(wanted.join(rows, true()))
                     .cte("picked").prefix_with("MATERIALIZED"))


@lru_cache(maxsize=SQLITE_GRANTS_PER_STATEMENT)
def _claim_union(size: int):
    """SQLite, for `size` grants: one index range scan per grant, joined by UNION ALL (SQLite has no LATERAL;
    the pump, its only claimer, holds the write lock from BEGIN IMMEDIATE)."""
    def rows(n: int):
        picked = (select(bindparam(f"token_{n}", type_=String).label("token"), Delivery.tenant_id, Delivery.id)
                  .where(Delivery.tenant_id == bindparam(f"tenant_{n}"),
                         Delivery.message_class == bindparam(f"class_{n}"), *_claimable(bindparam("now")))
                  .order_by(Delivery.next_attempt_at).limit(bindparam(f"count_{n}", type_=Integer)).subquery())
        return select(picked.c.token, picked.c.tenant_id, picked.c.id)

    return _claiming(union_all(*[rows(n) for n in range(size)]).cte("picked"))


def _numbered(grants: list[Grant]) -> dict:
    params = {}
    for n, grant in enumerate(grants):
        params |= {f"tenant_{n}": grant.tenant_id, f"class_{n}": grant.message_class, f"count_{n}": grant.count,
                   f"token_{n}": grant.token}
    return params


def claim(token: str, message_class: str, limit: int, now) -> int:
    """Claim up to `limit` due rows of the tenant in context with `token`, and commit (tests, and a retry that
    is due at once)."""
    count = claim_all([Grant(require_tenant().id, message_class, limit, token)], now).get(token, 0)
    db.session.commit()
    return count


def run(stop, interval: float = 0.2, once: bool = False) -> None:
    """The pump loop. Only one pump works at a time (a Redis leader key); a second one waits as a standby."""
    me, rotation = uuid.uuid4().hex, 0
    record_standing_access(PUMP_ACCESS)
    db.session.commit()
    for on_start, _ in _companions:
        on_start()
    while not stop.is_set():
        try:
            if _lead(me):
                tick(rotation)
                for _, companion in _companions:
                    companion(rotation)
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
