"""`{{ moment | vn_date }}`: the one way a page writes a date. dd/mm/yyyy, with HH:mm for an instant, in
Vietnam time (UTC+7 all year), whatever the page's language: citizens and officials read dates this way, and
Babel's locale formats gave "6/12/26" in Vietnamese and "12/6/26" in English."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


def vn_date(value: date | datetime | None, time: bool = True) -> str:
    """A date as dd/mm/yyyy; an instant as dd/mm/yyyy HH:mm in Vietnam time (`time=False`: the day only).
    An instant without a zone is UTC, as the database stores it. Nothing gives an empty string."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(VIETNAM)
        return local.strftime(DATETIME_FORMAT if time else DATE_FORMAT)
    return value.strftime(DATE_FORMAT)
