"""The OA's rate as Zalo states it (docs/zalo-oa.md §7), a cap on the configured limits (delivery/policy.py).

Zalo meters requests per app and says so on every answer: `X-RateLimit-Limit` is the app's allowance a minute,
and -32 means it is spent. The allowance depends on the OA's package (about 100 a minute for the smallest since the
packages of 2026-06-01, by trade sources; 4,000 in the official appendix), which nobody tells the platform, so the
configured rate (3,000 a minute by default) can be far above it: every message past the allowance would come back
-32 and wait for the next minute.

A delivery batch reports what its answers said (`observe`, one read and one write in Redis). The pump then paces
the OA at no more than the stated allowance, and each minute in which Zalo answers -32 halves that for a quarter
of an hour (the app's other calls, a follower import say, spend the same allowance). An allowance is kept a day
and renewed by every answer; one stated higher lifts the cap again, never above the configured rate. Two
batches observing at once may lose one's cut: the next -32 makes it.
"""

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from platform_core.jobs.connection import get_redis

KEPT_SECONDS = 86400  # what Zalo said, renewed by every answer that says it
CUT_SECONDS = 900  # how long a -32's halving lasts
MINUTE = 60  # Zalo's count resets each minute: one cut per minute of -32s
MAX_CUTS = 6  # a 64th of the rate at most
BURST_SECONDS = 2  # a capped OA's burst: two seconds of its rate


@dataclass(frozen=True)
class Said:
    """What Zalo last said of a tenant's app: its allowance a minute (None if only -32 was seen), the halvings in
    force, and when."""

    allowance: int | None
    cuts: int
    cut_at: float | None
    at: float

    def per_minute(self, configured: int) -> int:
        """The rate to pace the OA at, given the configured one."""
        stated = min(configured, self.allowance) if self.allowance else configured
        return max(1, stated >> self.cuts)

    def burst(self, configured_rate: int, configured_burst: int) -> int:
        rate = self.per_minute(configured_rate)
        if rate >= configured_rate:
            return configured_burst
        return max(1, min(configured_burst, rate * BURST_SECONDS // MINUTE))

    @property
    def seen_at(self) -> datetime:
        return datetime.fromtimestamp(self.at, UTC)

    @property
    def halved_until(self) -> datetime | None:
        return datetime.fromtimestamp(self.cut_at + CUT_SECONDS, UTC) if self.cuts else None


def key(tenant_id) -> str:
    """Beside the limiter's buckets (delivery/limiter.py), whose prefix the tests clear between tests."""
    return f"motcua:rl:{tenant_id}:zalo"


def said_of(tenant_ids, now: float | None = None) -> dict:
    """{tenant id: Said} for those Zalo said something of (one MGET)."""
    tenant_ids = list(tenant_ids)
    if not tenant_ids:
        return {}
    now = time.time() if now is None else now
    values = get_redis().mget([key(tenant_id) for tenant_id in tenant_ids])
    return {tenant_id: _said(json.loads(value), now)
            for tenant_id, value in zip(tenant_ids, values, strict=True) if value}


def observe(observed: dict, now: float | None = None) -> None:
    """Record, for each OA, {tenant id: (allowance, refused)}: the allowance its answers stated
    (`X-RateLimit-Limit`) and whether Zalo answered -32. A wave's provinces at once: one MGET, and one round trip
    for what changed."""
    observed = {tenant_id: seen for tenant_id, seen in observed.items() if seen[0] or seen[1]}
    if not observed:
        return
    now = time.time() if now is None else now
    before = said_of(observed, now)
    changed = {tenant_id: _after(before.get(tenant_id), allowance, refused, now)
               for tenant_id, (allowance, refused) in observed.items()}
    pipeline = get_redis().pipeline(transaction=False)
    for tenant_id, value in changed.items():
        if value is not None:
            pipeline.set(key(tenant_id), json.dumps(value), ex=KEPT_SECONDS)
    pipeline.execute()


def _after(before: Said | None, allowance: int | None, refused: bool, now: float) -> dict | None:
    """What to keep after an observation, or None when nothing is new: what was said is renewed once a minute,
    not by every batch."""
    if before and not refused and allowance == before.allowance and now - before.at < MINUTE:
        return None
    cuts, cut_at = (before.cuts, before.cut_at) if before else (0, None)
    if refused and (cut_at is None or now - cut_at >= MINUTE):
        cuts, cut_at = min(cuts + 1, MAX_CUTS), now
    allowance = allowance or (before.allowance if before else None)
    return {"allowance": allowance, "cuts": cuts, "cut_at": cut_at, "at": now}


def _said(value: dict, now: float) -> Said:
    cuts, cut_at = value["cuts"], value["cut_at"]
    if cut_at is None or now - cut_at >= CUT_SECONDS:
        cuts = 0
    return Said(value["allowance"], cuts, cut_at, value["at"])
