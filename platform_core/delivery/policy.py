"""A tenant's sending limits: its RatePolicy rows, or the defaults (Zalo's 4,000 requests/minute per app); a
province not yet live gets the trial cap on top (delivery/trial.py).

Zalo meters requests per app, whatever they carry (docs/zalo-oa.md §7), so a tenant's OA has one GCRA bucket
that transactional and bulk messages share: the transactional policy is the OA's rate (transactional messages
may use all of it, and are served first), and the bulk policy caps bulk's share of that same bucket.

Served first is not enough while a broadcast drains: the pump grants once a tick, and between ticks the news would
take every token the bucket refills, so a citizen's notice waited for the next refill behind it. Bulk therefore
draws on a smaller burst of the OA's bucket than transactional does: the last TX_RESERVE_SHARE of the OA's burst
is transactional's alone, ready at any moment. The OA's total stays within its rate and burst.

The OA's rate is also capped by what Zalo states of the app's allowance (delivery/zalo_rate.py): the pump paces at
the lower of the two.
"""

from dataclasses import dataclass

from sqlalchemy import select

from platform_core.db.tenant_context import require_tenant
from platform_core.delivery import trial, zalo_rate
from platform_core.delivery.constants import (
    CLASS_BULK,
    CLASS_TX,
    DEFAULT_BURST,
    DEFAULT_PER_MINUTE,
    MESSAGE_CLASSES,
)
from platform_core.delivery.limiter import Bucket, class_key, oa_key
from platform_core.delivery.models import RatePolicy
from platform_core.extensions import db

TX_RESERVE_SHARE = 3  # a third of the OA's burst (at least one message) is kept for transactional messages


@dataclass(frozen=True)
class Limits:
    per_minute: int
    burst: int
    daily_cap: int | None


def limits_for(message_class: str) -> Limits:
    """For the tenant in context."""
    policy = db.session.scalar(select(RatePolicy).where(RatePolicy.message_class == message_class))
    return _limits(message_class, policy, trial.is_restricted())


def limits_of_all(restricted: dict) -> dict:
    """{tenant id: {class: Limits}} for the tenants in `restricted` ({tenant id: in trial?}), in one query; the
    caller crosses tenants (the pump)."""
    if not restricted:
        return {}
    policies = {(policy.tenant_id, policy.message_class): policy for policy in db.session.execute(
        select(RatePolicy.tenant_id, RatePolicy.message_class, RatePolicy.per_minute, RatePolicy.burst,
               RatePolicy.daily_cap).where(RatePolicy.tenant_id.in_(restricted)))}  # values, not rows to track
    said = zalo_rate.said_of(restricted)
    return {tenant_id: _within_zalos({cls: _limits(cls, policies.get((tenant_id, cls)), is_restricted)
                                      for cls in MESSAGE_CLASSES}, said.get(tenant_id))
            for tenant_id, is_restricted in restricted.items()}


def _within_zalos(limits: dict[str, Limits], said) -> dict[str, Limits]:
    """The OA's rate (the transactional policy, see above) capped by what Zalo said of the app's allowance."""
    if said is None:
        return limits
    oa_rate = limits[CLASS_TX]
    capped = Limits(said.per_minute(oa_rate.per_minute), said.burst(oa_rate.per_minute, oa_rate.burst),
                    oa_rate.daily_cap)
    return {**limits, CLASS_TX: capped}


def _limits(message_class: str, policy, restricted: bool) -> Limits:
    """From a RatePolicy (or a row of its values), or the defaults without one."""
    if policy is None:
        return Limits(DEFAULT_PER_MINUTE[message_class], DEFAULT_BURST[message_class], trial.capped(None, restricted))
    return Limits(policy.per_minute, policy.burst, trial.capped(policy.daily_cap, restricted))


@dataclass(frozen=True)
class Pacing:
    """What Zalo said of the tenant's app (delivery/zalo_rate.Said) and the OA's rate it leads to."""

    said: zalo_rate.Said
    configured: int
    per_minute: int


def zalo_pacing() -> Pacing | None:
    """For the tenant in context; None while Zalo has said nothing that lowers its rate."""
    tenant_id = require_tenant().id
    said = zalo_rate.said_of([tenant_id]).get(tenant_id)
    if said is None:
        return None
    configured = limits_for(CLASS_TX).per_minute
    paced = said.per_minute(configured)
    return Pacing(said, configured, paced) if paced < configured else None


def buckets_for(tenant_id, message_class: str, limits: dict[str, Limits]) -> tuple[Bucket, ...]:
    """The limiter buckets a grant of `message_class` draws from, given the tenant's limits per class."""
    oa_rate = limits[CLASS_TX]
    if message_class == CLASS_TX:
        return (Bucket(oa_key(tenant_id), oa_rate.per_minute, oa_rate.burst),)
    reserve = max(1, oa_rate.burst // TX_RESERVE_SHARE)
    shared = Bucket(oa_key(tenant_id), oa_rate.per_minute, max(1, oa_rate.burst - reserve))
    own = limits[CLASS_BULK]
    return (shared, Bucket(class_key(tenant_id, message_class), own.per_minute, own.burst))


def set_limits(message_class: str, per_minute: int, burst: int, daily_cap: int | None = None) -> RatePolicy:
    policy = db.session.scalar(select(RatePolicy).where(RatePolicy.message_class == message_class))
    if policy is None:
        policy = RatePolicy(message_class=message_class, per_minute=per_minute, burst=burst)
        db.session.add(policy)
    policy.per_minute, policy.burst, policy.daily_cap = per_minute, burst, daily_cap
    db.session.flush()
    return policy
