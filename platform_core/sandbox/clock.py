"""The sandbox clock: every expiry, window and quota day reads it, so tests can jump in time.

Zalo's rules are wall-clock rules in Vietnam (promotion and night ZNS templates are refused 22:00-06:00,
quotas reset at 00:00, the per-minute rate limit resets at the minute boundary: docs/zalo-oa.md §2, §3, §7).
Vietnam has no daylight saving time, so local time is simply UTC+7.
"""

import threading
import time
from datetime import UTC, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


class Clock:
    """Milliseconds since the epoch. Follows real time until set; a set clock stays frozen unless `running`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._base_ms: int | None = None
        self._base_real = 0.0
        self._running = True

    def now_ms(self) -> int:
        with self._lock:
            if self._base_ms is None:
                return int(time.time() * 1000)
            elapsed = (time.monotonic() - self._base_real) if self._running else 0.0
            return self._base_ms + int(elapsed * 1000)

    def set(self, when_ms: int, running: bool = False) -> None:
        with self._lock:
            self._base_ms = int(when_ms)
            self._base_real = time.monotonic()
            self._running = running

    def advance(self, seconds: float) -> None:
        current = self.now_ms()
        with self._lock:
            running = self._running if self._base_ms is not None else True
        self.set(current + int(seconds * 1000), running=running)

    def reset(self) -> None:
        with self._lock:
            self._base_ms = None
            self._running = True

    def local(self) -> datetime:
        return datetime.fromtimestamp(self.now_ms() / 1000, tz=VIETNAM)

    def is_night(self) -> bool:
        """22:00-06:00 Vietnam time: promotion (-234) and night-restricted ZNS templates (-133) are refused."""
        hour = self.local().hour
        return hour >= 22 or hour < 6

    def day_key(self) -> str:
        """Daily quotas (promotion per user, OA caps, ZNS daily quota) reset at 00:00 Vietnam time."""
        return self.local().strftime("%Y-%m-%d")

    def minute_key(self) -> int:
        return self.now_ms() // 60_000

    def describe(self) -> dict:
        now = self.now_ms()
        return {"now_ms": now, "iso": datetime.fromtimestamp(now / 1000, tz=VIETNAM).isoformat(),
                "utc": datetime.fromtimestamp(now / 1000, tz=UTC).isoformat()}


def parse_when(value) -> int:
    """Epoch ms from an int, or an ISO string (a naive one is read as Vietnam local time)."""
    if isinstance(value, int | float):
        return int(value)
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VIETNAM)
    return int(parsed.timestamp() * 1000)
