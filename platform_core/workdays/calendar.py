"""Counting working days in Vietnam time: weekends and the days off in holidays.py are not working days.

A deadline of n working days from a moment ends at the end (23:59:59.999999, Vietnam time) of the n-th
working day after that moment's day: something received on Friday afternoon with 2 working days is due at the
end of Tuesday. The result is an aware datetime in UTC, as the database keeps them.
"""

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from platform_core.clock import end_of_day, local_day
from platform_core.workdays.holidays import DAYS_OFF, PROVINCE_DAYS_OFF, WORKING_SATURDAYS

SATURDAY = 5


class WorkCalendar:
    def __init__(self, extra_days_off: Mapping[date, str] | None = None):
        self.days_off = {**DAYS_OFF, **(extra_days_off or {})}

    def is_working_day(self, day: date) -> bool:
        if day in WORKING_SATURDAYS:
            return True
        return day.weekday() < SATURDAY and day not in self.days_off

    def day_off_name(self, day: date) -> str | None:
        return self.days_off.get(day)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The end of the `days`-th working day after `start`'s day (Vietnam time), in UTC."""
        if days < 1:
            raise ValueError("days must be at least 1")
        day = local_day(start)
        while days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return end_of_day(day)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days after `start`'s day up to and including `end`'s day (0 if end is not later); so that
        `working_days_between(t, add_working_days(t, n)) == n`."""
        first, last = local_day(start), local_day(end)
        count, day = 0, first
        while day < last:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


def calendar_for(tenant_slug: str | None = None) -> WorkCalendar:
    """The national calendar with the province's own extra days off (holidays.PROVINCE_DAYS_OFF)."""
    return WorkCalendar(PROVINCE_DAYS_OFF.get(tenant_slug or "", {}))
