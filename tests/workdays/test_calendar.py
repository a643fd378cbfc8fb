"""The working-day calendar: weekends, public holidays, swaps, province days off, Vietnam time."""

from datetime import UTC, date, datetime, timedelta

import pytest

from platform_core.clock import end_of_day, local_day
from platform_core.db.types import utcnow
from platform_core.workdays import WorkCalendar, calendar_for
from platform_core.workdays import holidays as data

CALENDAR = WorkCalendar()


def vn(year, month, day, hour=9) -> datetime:
    """`hour` o'clock in Vietnam (UTC+7) as an aware UTC datetime."""
    return datetime(year, month, day, hour, tzinfo=UTC) - timedelta(hours=7)


def test_weekends_are_not_working_days():
    assert CALENDAR.is_working_day(date(2026, 11, 27))  # Friday
    assert not CALENDAR.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CALENDAR.is_working_day(date(2026, 11, 29))  # Sunday


@pytest.mark.parametrize("day", [date(2025, 1, 1), date(2025, 1, 29), date(2025, 4, 7), date(2025, 4, 30),
                                 date(2025, 5, 1), date(2025, 9, 2), date(2026, 2, 17), date(2026, 9, 2),
                                 date(2027, 1, 1), date(2027, 4, 30), date(2027, 9, 2)])
def test_public_holidays_are_days_off(day):
    assert not CALENDAR.is_working_day(day)
    assert CALENDAR.day_off_name(day)


def test_tet_2025_is_five_working_days_off():
    days = [date(2025, 1, 27) + timedelta(days=i) for i in range(5)]
    assert [CALENDAR.is_working_day(day) for day in days] == [False] * 5
    assert CALENDAR.is_working_day(date(2025, 2, 3))


def test_a_holiday_on_a_sunday_gives_the_monday_off():
    assert date(2026, 4, 26).weekday() == 6  # Hùng Kings' day 2026 is a Sunday
    assert not CALENDAR.is_working_day(date(2026, 4, 27))
    assert not CALENDAR.is_working_day(date(2027, 5, 3))  # 1/5/2027 is a Saturday


def test_a_swapped_saturday_is_a_working_day():
    assert CALENDAR.is_working_day(date(2025, 4, 26))
    assert not CALENDAR.is_working_day(date(2025, 5, 2))


def test_every_day_off_listed_is_a_weekday_and_every_year_is_covered():
    assert all(day.weekday() < 5 for day in data.DAYS_OFF)
    assert all(day.weekday() == 5 for day in data.WORKING_SATURDAYS)
    for year in data.YEARS:
        assert date(year, 1, 1) in data.DAYS_OFF or date(year, 1, 1).weekday() >= 5
        assert sum(day.year == year and "Tết Nguyên đán" in name for day, name in data.DAYS_OFF.items()) == 5
        assert any(day.year == year and "Quốc khánh" in name for day, name in data.DAYS_OFF.items())


def test_the_calendar_covers_this_year_and_the_next():
    """A year missing from the data would silently count only weekends: add it a year ahead."""
    this_year = utcnow().year
    assert {this_year, this_year + 1} <= set(data.YEARS)


def test_add_working_days_ends_at_the_end_of_the_day_in_vietnam():
    due = CALENDAR.add_working_days(vn(2026, 11, 27, 16), 2)  # Friday afternoon
    assert local_day(due) == date(2026, 12, 1)  # Tuesday
    assert due == end_of_day(date(2026, 12, 1))
    assert due.utcoffset() == timedelta(0) and (due + timedelta(microseconds=1)).astimezone(UTC).hour == 17


def test_vietnam_time_decides_the_day():
    late_thursday_utc = datetime(2026, 11, 26, 18, tzinfo=UTC)  # already Friday 01:00 in Vietnam
    assert local_day(CALENDAR.add_working_days(late_thursday_utc, 1)) == date(2026, 11, 30)


def test_deadlines_skip_tet():
    due = CALENDAR.add_working_days(vn(2026, 2, 12), 2)  # Thursday before Tết 2026
    assert local_day(due) == date(2026, 2, 23)
    assert local_day(CALENDAR.add_working_days(vn(2025, 4, 24), 2)) == date(2025, 4, 26)  # the swapped Saturday


def test_national_day_2026_is_five_days_off_with_monday_swapped_for_saturday_22_august():
    """Sat 29/8 - Wed 2/9/2026 off: Mon 31/8 is swapped with Sat 22/8, a working day (docs/domain.md)."""
    days = [date(2026, 8, 29) + timedelta(days=i) for i in range(5)]
    assert [CALENDAR.is_working_day(day) for day in days] == [False] * 5
    assert "hoán đổi" in CALENDAR.day_off_name(date(2026, 8, 31))
    assert CALENDAR.is_working_day(date(2026, 8, 22)) and CALENDAR.is_working_day(date(2026, 9, 3))


def test_deadlines_cross_the_national_day_break_of_2026():
    assert local_day(CALENDAR.add_working_days(vn(2026, 8, 28), 1)) == date(2026, 9, 3)  # Friday → Thursday
    assert local_day(CALENDAR.add_working_days(vn(2026, 8, 27), 2)) == date(2026, 9, 3)
    assert CALENDAR.working_days_between(vn(2026, 8, 28), vn(2026, 9, 3)) == 1


def test_deadlines_count_the_make_up_saturday_22_august_2026():
    assert local_day(CALENDAR.add_working_days(vn(2026, 8, 20), 2)) == date(2026, 8, 22)  # Thursday → Saturday
    assert local_day(CALENDAR.add_working_days(vn(2026, 8, 21), 1)) == date(2026, 8, 22)
    # Fifteen working days over both: the Saturday worked makes up for the Monday off.
    assert local_day(CALENDAR.add_working_days(vn(2026, 8, 17), 15)) == date(2026, 9, 9)


def test_fifteen_working_days():
    due = CALENDAR.add_working_days(vn(2026, 11, 2), 15)  # Monday 2/11/2026
    assert local_day(due) == date(2026, 11, 23)


def test_working_days_between_is_the_inverse_of_adding():
    start = vn(2026, 4, 20)
    for days in (1, 2, 5, 15, 40):
        assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, days)) == days
    assert CALENDAR.working_days_between(start, start) == 0
    assert CALENDAR.working_days_between(start, start - timedelta(days=3)) == 0


def test_at_least_one_working_day():
    with pytest.raises(ValueError):
        CALENDAR.add_working_days(vn(2026, 1, 5), 0)


def test_a_province_can_add_its_own_days_off(monkeypatch):
    monkeypatch.setitem(data.PROVINCE_DAYS_OFF, "hue", {date(2026, 3, 26): "Ngày giải phóng Thừa Thiên Huế"})
    assert not calendar_for("hue").is_working_day(date(2026, 3, 26))
    assert calendar_for("bac-ninh").is_working_day(date(2026, 3, 26))
    assert local_day(calendar_for("hue").add_working_days(vn(2026, 3, 25), 1)) == date(2026, 3, 27)
