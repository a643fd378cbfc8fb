"""Vietnam's time: the zone every province lives in (Asia/Ho_Chi_Minh, UTC+7, no daylight saving), and the
local dates the product shows and counts in. The database keeps aware datetimes in UTC; a "day" in a report,
a deadline or a message is a day in Vietnam."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_date(value: datetime | None) -> str:
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y") if value else ""


def local_day(moment: datetime) -> date:
    return moment.astimezone(VIETNAM).date()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=VIETNAM).astimezone(UTC)
