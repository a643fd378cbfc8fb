"""`{{ moment | vn_date }}`: the one way a page writes a date. dd/mm/yyyy, with HH:mm for an instant, in
Vietnam time (UTC+7 all year), whatever the page's language: citizens and officials read dates this way, and
Babel's locale formats gave "6/12/26" in Vietnamese and "12/6/26" in English.

`VnDateField` and `VnDateTimeField`: the one way a form asks for a date, or a moment in Vietnam time, typed the
same way (dd/mm/yyyy, dd/mm/yyyy HH:mm). Not `<input type="date">` or `"datetime-local"`: Chromium shows those in
the browser's own locale (mm/dd/yyyy, hh:mm AM for an English browser), never the product's dd/mm/yyyy."""

import re
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.widgets import TextInput

from platform_core.clock import VIETNAM

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
TYPED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # 05/07/2026, 5/7/2026
ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")  # 2026-07-05: links, query strings, API-like callers
WITH_TIME = re.compile(r"(\S+)(?:\s+|T)(\d{1,2}):(\d{2})")  # 05/07/2026 8:30, 2026-07-05T08:30
# The browser's own check before sending (either form); the server's also refuses a day that does not exist.
DATE_PATTERN = r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"
DATETIME_PATTERN = r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"
NOT_A_DATE = _l("Not a valid date: type it as dd/mm/yyyy, for example 31/12/2026.")
NOT_A_DATETIME = _l("Not a valid date and time: type them as dd/mm/yyyy hh:mm, for example 31/12/2026 08:30.")


def vn_date(value: date | datetime | None, time: bool = True) -> str:
    """A date as dd/mm/yyyy; an instant as dd/mm/yyyy HH:mm in Vietnam time (`time=False`: the day only).
    An instant without a zone is UTC, as the database stores it. Nothing gives an empty string."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(VIETNAM)
        return local.strftime(DATETIME_FORMAT if time else DATE_FORMAT)
    return value.strftime(DATE_FORMAT)


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy or d/m/yyyy as a person types it, or yyyy-mm-dd as a link carries it; None for anything else,
    a day that does not exist (31/02/2026) included."""
    text = text.strip()
    if typed := TYPED.fullmatch(text):
        day, month, year = map(int, typed.groups())
    elif iso := ISO.fullmatch(text):
        year, month, day = map(int, iso.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | None:
    """A day as parse_date takes it, then HH:mm (a space, or ISO's T, between), as an instant in Vietnam time;
    None for anything else."""
    match = WITH_TIME.fullmatch(text.strip())
    day = parse_date(match[1]) if match else None
    if day is None or int(match[2]) > 23 or int(match[3]) > 59:
        return None
    return datetime(day.year, day.month, day.day, int(match[2]), int(match[3]), tzinfo=VIETNAM)


class TypedDateField(Field):
    """A text box that shows its value as pages write it (vn_date) and takes it typed that way or in ISO form;
    anything else is refused with `refusal` and kept as typed. Empty is nothing (`data` None): Optional() or
    InputRequired() decide whether that will do."""

    widget = TextInput()
    placeholder: str
    pattern: str
    refusal: str

    def __init__(self, label=None, validators=None, render_kw=None, **kwargs):
        typing = {"placeholder": self.placeholder, "inputmode": "numeric", "pattern": self.pattern,
                  "maxlength": len(self.placeholder), "autocomplete": "off"}
        super().__init__(label, validators, render_kw=typing | (render_kw or {}), **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        text = valuelist[0].strip()
        self.data = self.parse(text) if text else None
        if text and self.data is None:
            raise ValueError(self.refusal)

    def _value(self) -> str:
        """The value as pages write it, whichever way it came; what was typed when it is none."""
        if self.data is not None:
            return vn_date(self.data)
        return self.raw_data[0] if self.raw_data else ""


class VnDateField(TypedDateField):
    """A date: dd/mm/yyyy or d/m/yyyy, or yyyy-mm-dd as links carry it."""

    placeholder, pattern, refusal = "dd/mm/yyyy", DATE_PATTERN, NOT_A_DATE
    parse = staticmethod(parse_date)

    def iso(self) -> str:
        """The date as a link carries it (yyyy-mm-dd), whichever way it was typed; what was typed when it is no
        date, so that the linked page refuses it as this one did."""
        if self.data is not None:
            return self.data.isoformat()
        return self._value()


class VnDateTimeField(TypedDateField):
    """A moment typed in Vietnam time: dd/mm/yyyy HH:mm, or yyyy-mm-ddTHH:mm; `data` is the aware instant."""

    placeholder, pattern, refusal = "dd/mm/yyyy hh:mm", DATETIME_PATTERN, NOT_A_DATETIME
    parse = staticmethod(parse_datetime)
