"""A tenant's sending limits: its RatePolicy rows, or the defaults (Zalo's 4,000 requests/minute per app); a
province not yet live gets the trial cap on top (delivery/trial.py)."""

from dataclasses import dataclass

from sqlalchemy import select

from platform_core.delivery import trial
from platform_core.delivery.constants import DEFAULT_BURST, DEFAULT_PER_MINUTE
from platform_core.delivery.models import RatePolicy
from platform_core.extensions import db


@dataclass(frozen=True)
class Limits:
    per_minute: int
    burst: int
    daily_cap: int | None


def limits_for(message_class: str) -> Limits:
    """For the tenant in context."""
    policy = db.session.scalar(select(RatePolicy).where(RatePolicy.message_class == message_class))
    if policy is None:
        return Limits(DEFAULT_PER_MINUTE[message_class], DEFAULT_BURST[message_class], trial.daily_cap(None))
    return Limits(policy.per_minute, policy.burst, trial.daily_cap(policy.daily_cap))


def set_limits(message_class: str, per_minute: int, burst: int, daily_cap: int | None = None) -> RatePolicy:
    policy = db.session.scalar(select(RatePolicy).where(RatePolicy.message_class == message_class))
    if policy is None:
        policy = RatePolicy(message_class=message_class, per_minute=per_minute, burst=burst)
        db.session.add(policy)
    policy.per_minute, policy.burst, policy.daily_cap = per_minute, burst, daily_cap
    db.session.flush()
    return policy
