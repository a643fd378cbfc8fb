"""How long to wait before trying a Zalo call again, by outcome (docs/zalo-oa.md §6, §7).

- RATE_LIMITED (-32): Zalo's per-app budget resets at the next minute, so wait until just after it.
- RETRY (transient): capped exponential backoff with full jitter, so that many workers do not retry in step.
Anything else is not retried here (the caller decides: refresh, another channel, defer, give up).
"""

import random
from datetime import datetime

from platform_core.zalo.errors import Outcome, ZaloError

BASE_SECONDS = 5
CAP_SECONDS = 30 * 60


def retry_delay(error: ZaloError, attempt: int, now: datetime, rng: random.Random | None = None) -> float | None:
    """Seconds to wait before attempt `attempt + 1` (attempt counts from 1), or None when not retryable."""
    rng = rng or random
    if error.outcome is Outcome.RATE_LIMITED:
        return 60 - now.second - now.microsecond / 1_000_000 + rng.uniform(0.5, 3.0)
    if error.outcome is Outcome.RETRY:
        return rng.uniform(0, min(CAP_SECONDS, BASE_SECONDS * 2 ** (attempt - 1)))
    return None
