"""When policy news may go out: Zalo accepts promotion messages 06:00-21:59 Vietnam time (docs/zalo-oa.md §2), and
at most the OA's daily cap of them a day. Planning puts every delivery on a Vietnam day that still has room in
the cap, due at once when that day is today and its hours are open, otherwise at the day's opening (deferred,
never dropped)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app

from platform_core.clock import VIETNAM

ZALO_SMALL_OA = 10_000  # followers; above it the daily cap is 5% of them
ZALO_SMALL_OA_CAP = 500


@dataclass(frozen=True)
class Hours:
    start: int
    end: int  # excluded; 24 means until midnight

    def open_at(self, moment: datetime) -> bool:
        return self.start <= moment.astimezone(VIETNAM).hour < self.end

    def opening(self, day: date) -> datetime:
        return datetime.combine(day, time(self.start), tzinfo=VIETNAM)

    def first_day(self, now: datetime) -> date:
        """The Vietnam day the next promotion can go out: today until closing time, else tomorrow."""
        local = now.astimezone(VIETNAM)
        return local.date() if local.hour < self.end else local.date() + timedelta(days=1)

    def due_at(self, day: date, now: datetime) -> datetime:
        """When a delivery planned for `day` becomes due: now if the day is today and open, else its opening."""
        opening = self.opening(day)
        return now if opening <= now and self.open_at(now) else max(opening, now)


def sending_hours() -> Hours:
    start, _, end = current_app.config.get("PROMOTION_HOURS", "6-22").partition("-")
    return Hours(int(start), int(end))


def zalo_daily_cap(followers: int) -> int:
    """Zalo's per-OA daily promotion cap: 500 requests, or 5% of followers above 10,000 (docs/zalo-oa.md §2)."""
    return ZALO_SMALL_OA_CAP if followers <= ZALO_SMALL_OA else followers * 5 // 100
