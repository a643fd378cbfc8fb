"""The webhook events' intake: stored events are claimed in batches and processed by one job per batch.

The webhook only verifies and stores (zalo/views.py): no Redis in Zalo's request, so it answers within
milliseconds however many arrive at once (issue 11 item 4). The delivery pump's leader calls `tick` every
pass (wiring.py registers it, delivery/pump.py `on_tick`); a tick costs the same few statements however many
provinces have events waiting:
1. one read-only statement lists, for every served tenant, its lanes with events waiting and its lanes at work;
2. one UPDATE ... RETURNING gives each granted lane's oldest waiting events (up to EVENT_BATCH) a claim token,
   and commits;
3. one job per token (zalo/jobs.py `process_events`), all enqueued in one Redis pipeline, the tenants in an
   order that rotates every tick.

Per-citizen order: a citizen's events always fall in the same lane (`lane_of` their Zalo id), a lane has at
most one batch claimed at a time, and a batch is processed oldest first. Fairness across provinces (issue 12
item 7): a province has at most MAX_BUSY_LANES batches at work, so a burst of 10,000 events from one
province queues at most that many batches ahead of another province's citizen, as the pump does for
deliveries. Nothing lost: a claim whose job never ran (Redis down after the commit, a killed worker) is
claimed again once older than STALE_CLAIM; events stored while Redis is down wait in the database.
"""

import logging
import uuid
import zlib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache, lru_cache

from sqlalchemy import Integer, String, and_, bindparam, exists, or_, select, union_all, update

from platform_core.db.cross_tenant import cross_tenant, record_standing_access
from platform_core.db.sqlite import begin_read_only
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.decorators import enqueue_many
from platform_core.tenancy.constants import SERVED_STATUSES
from platform_core.tenancy.models import Tenant
from platform_core.zalo import jobs
from platform_core.zalo.constants import EVENT_RECEIVED
from platform_core.zalo.models import ZaloEvent

log = logging.getLogger(__name__)

LANES = 4
MAX_BUSY_LANES = 2  # a province's batches at work at once: its share of the workers during its own burst
EVENT_BATCH = 25  # small: another province's citizen may wait behind a busy province's batches (fairness)
# A claim this old was lost (its job never ran, or its worker died): claimed again. Far above a batch's run and
# its wait in the queue (a few batches per busy province ahead of it), so that a live batch is not taken twice.
STALE_CLAIM = timedelta(seconds=60)
INTAKE_ACCESS = "zalo intake: find and claim every tenant's waiting webhook events, every tick"
GRANTS_PER_STATEMENT = 200  # SQLite allows 500 terms in a compound SELECT


@dataclass(frozen=True)
class Grant:
    tenant_id: uuid.UUID
    lane: int
    token: str
    idle: bool = False  # the tenant's first batch when none of its lanes is at work: queued at the front


def lane_of(zalo_user_id: str | None) -> int:
    """The citizen's lane (stable across processes: not Python's salted hash)."""
    return zlib.crc32((zalo_user_id or "").encode()) % LANES


def start() -> None:
    """The pump's process starts: its standing cross-tenant access is recorded once, not every tick."""
    record_standing_access(INTAKE_ACCESS)
    db.session.commit()


def tick(rotation: int = 0, now=None) -> int:
    """Claim a batch for every free lane that has events waiting, and queue them; returns events claimed."""
    now = now or utcnow()
    grants = _grants(_lanes(now), rotation)
    if not grants:
        return 0
    with cross_tenant(INTAKE_ACCESS, audit=False):
        claimed = claim_all(grants, now)
        db.session.commit()  # committed before the jobs are queued: a lost job's claim goes stale, never lost
    served = [grant for grant in grants if claimed.get(grant.token)]
    enqueue_many([(jobs.process_events, (grant.token,), grant.tenant_id, grant.idle) for grant in served])
    return sum(claimed.values())


def _lanes(now) -> list[tuple]:
    """(tenant id, oldest waiting event per lane..., busy per lane...) for every served tenant, read without a
    write lock."""
    db.session.commit()
    with cross_tenant(INTAKE_ACCESS, audit=False):
        begin_read_only(db.session)
        rows = db.session.execute(_lanes_statement(), {"stale_before": now - STALE_CLAIM}).all()
        db.session.commit()
    return rows


@cache
def _lanes_statement():
    waiting = [select(ZaloEvent.received_at).where(*_waiting_in(lane), _unclaimed()).order_by(ZaloEvent.received_at)
               .limit(1).correlate(Tenant).scalar_subquery() for lane in range(LANES)]
    busy = [exists().where(*_waiting_in(lane), ZaloEvent.claimed_at > bindparam("stale_before")).correlate(Tenant)
            for lane in range(LANES)]
    return select(Tenant.id, *waiting, *busy).where(Tenant.status.in_(SERVED_STATUSES))


def _waiting_in(lane) -> tuple:
    """A tenant's events in `lane` (a number or a bound parameter) not yet processed (nor failed: RQ retries
    those, zalo/jobs.py)."""
    return (ZaloEvent.tenant_id == Tenant.id, ZaloEvent.status == EVENT_RECEIVED, ZaloEvent.lane == lane,
            ZaloEvent.error.is_(None))


def _unclaimed():
    return or_(ZaloEvent.claimed_at.is_(None), ZaloEvent.claimed_at <= bindparam("stale_before"))


def _grants(rows: list[tuple], rotation: int) -> list[Grant]:
    """Each tenant's free lanes with events waiting, oldest waiting first (no lane starves behind busier ones),
    up to MAX_BUSY_LANES at work; queued round-robin (every tenant's first batch, then every tenant's second),
    the tenants in an order that rotates every tick, and the first batch of a tenant with no lane at work before
    the batches already waiting."""
    rows = sorted(rows, key=lambda row: row[0])
    if rows:
        start = rotation % len(rows)
        rows = rows[start:] + rows[:start]
    per_tenant = []
    for tenant_id, *flags in rows:
        waiting, busy = flags[:LANES], flags[LANES:]
        free = sorted((lane for lane in range(LANES) if waiting[lane] and not busy[lane]), key=lambda n: waiting[n])
        idle = not any(busy)
        per_tenant.append([Grant(tenant_id, lane, uuid.uuid4().hex, idle=idle and n == 0)
                           for n, lane in enumerate(free[:max(0, MAX_BUSY_LANES - sum(map(bool, busy)))])])
    return [grant for round_ in range(MAX_BUSY_LANES) for grants in per_tenant if round_ < len(grants)
            for grant in grants[round_:round_ + 1]]


def claim_all(grants: list[Grant], now) -> dict[str, int]:
    """Give each grant's lane its oldest waiting events (up to EVENT_BATCH) in one UPDATE ... RETURNING per
    GRANTS_PER_STATEMENT grants; returns events claimed per token. The caller crosses tenants and commits."""
    claimed: dict[str, int] = {}
    for start in range(0, len(grants), GRANTS_PER_STATEMENT):
        chunk = grants[start:start + GRANTS_PER_STATEMENT]
        params = {"now": now, "stale_before": now - STALE_CLAIM}
        for n, grant in enumerate(chunk):
            params |= {f"tenant_{n}": grant.tenant_id, f"lane_{n}": grant.lane, f"token_{n}": grant.token}
        for token in db.session.scalars(_claim(len(chunk)), params):
            claimed[token] = claimed.get(token, 0) + 1
    return claimed


@lru_cache(maxsize=GRANTS_PER_STATEMENT)
def _claim(size: int):
    """For `size` grants: one index range scan per lane (ix_zalo_event_waiting) joined by UNION ALL, built once
    per size. PostgreSQL locks the rows it picks, skipping those another claimer holds (a leader change)."""
    def picked(n: int):
        rows = (select(bindparam(f"token_{n}", type_=String).label("token"), ZaloEvent.tenant_id, ZaloEvent.id)
                .where(ZaloEvent.tenant_id == bindparam(f"tenant_{n}"), ZaloEvent.status == EVENT_RECEIVED,
                       ZaloEvent.lane == bindparam(f"lane_{n}", type_=Integer), ZaloEvent.error.is_(None),
                       _unclaimed())
                .order_by(ZaloEvent.received_at, ZaloEvent.id).limit(EVENT_BATCH)
                .with_for_update(of=ZaloEvent, skip_locked=True).subquery())
        return select(rows.c.token, rows.c.tenant_id, rows.c.id)

    # MATERIALIZED: picked once, never re-run as a rescanned semi-join that could claim more than a batch.
    chosen = union_all(*[picked(n) for n in range(size)]).cte("picked").prefix_with("MATERIALIZED")
    return (update(ZaloEvent).add_cte(chosen)
            .where(and_(ZaloEvent.tenant_id == chosen.c.tenant_id, ZaloEvent.id == chosen.c.id))
            .values(claim_token=chosen.c.token, claimed_at=bindparam("now"))
            .returning(ZaloEvent.claim_token)
            .execution_options(synchronize_session=False))
