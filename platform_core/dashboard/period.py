"""The reporting period (Vietnam days, both ends included) and the GET form that chooses it.

Reports count what happened from 00:00 of the first day to 24:00 of the last day in Vietnam, which has one
time zone and no daylight saving (UTC+7), so a day is a fixed UTC interval.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField
from wtforms.validators import Optional

from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.web.dates import VnDateField
from platform_core.web.forms import options

THIS_MONTH, LAST_3_MONTHS, CUSTOM = "month", "3months", "custom"
PRESETS = {THIS_MONTH: _l("This month"), LAST_3_MONTHS: _l("Last 3 months"), CUSTOM: _l("From … to …")}
MAX_DAYS = 732  # two years: the reports read a bounded number of rows (see queries.py)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(0), tzinfo=VIETNAM)

    @property
    def until(self) -> datetime:
        """The instant after the period (exclusive end)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=VIETNAM)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range((self.last - self.first).days + 1)]

    def months(self) -> list[str]:
        """'YYYY-MM' of every month the period touches, oldest first."""
        months, day = [], self.first.replace(day=1)
        while day <= self.last:
            months.append(day.strftime("%Y-%m"))
            day = (day + timedelta(days=32)).replace(day=1)
        return months


def today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(VIETNAM).date()


def preset(name: str, now: datetime | None = None) -> Period:
    """This month, or the last three calendar months (this one included), up to today."""
    last = today(now)
    first = last.replace(day=1)
    if name == LAST_3_MONTHS:
        for _ in range(2):
            first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, last)


class PeriodForm(Form):
    """Above every report (GET: nothing changes, so no CSRF token)."""

    period = SelectField(_l("Period"), choices=options(PRESETS), default=THIS_MONTH)
    date_from = VnDateField(_l("From"), validators=[Optional()])
    date_to = VnDateField(_l("To"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problem = self._custom_problem() if self.period.data == CUSTOM else None
        if problem is not None:
            self.date_to.errors = [*self.date_to.errors, problem]
            return False
        return valid

    def _custom_problem(self):
        first, last = self.date_from.data, self.date_to.data
        if first is None or last is None:
            return _l("Choose both dates.")
        if last < first:
            return _l("The end date is before the start date.")
        if (last - first).days >= MAX_DAYS:
            return _l("Choose at most two years.")
        return None

    def chosen(self, now: datetime | None = None) -> Period:
        """The period asked for; call after `validate()` (an invalid choice falls back to this month)."""
        if self.period.data == CUSTOM and not self.errors:
            return Period(self.date_from.data, self.date_to.data)
        return preset(self.period.data if self.period.data in PRESETS and not self.errors else THIS_MONTH, now)

    def query_args(self) -> dict:
        """The form's values as URL arguments (for the CSV and XLSX links), dates as yyyy-mm-dd."""
        args = {"period": self.period.data or THIS_MONTH}
        if args["period"] == CUSTOM:
            args |= {"date_from": self.date_from.iso(), "date_to": self.date_to.iso()}
        return args
