"""Vietnam-time day and month of a UTC column, as SQL text both databases group by.

PostgreSQL stores `timestamptz`: `to_char(timezone('Asia/Ho_Chi_Minh', col), 'YYYY-MM')`. SQLite stores UTC
text: `strftime('%Y-%m', col, '+7 hours')` (Vietnam is UTC+7 all year, no daylight saving). The format and
zone are literal SQL, not bound parameters, so the expression in SELECT and in GROUP BY is the same text
(PostgreSQL refuses a GROUP BY whose parameters differ from the SELECT's).
"""

from sqlalchemy import func, literal_column

from platform_core.extensions import db

DAY, MONTH = "day", "month"
_POSTGRES = {DAY: "'YYYY-MM-DD'", MONTH: "'YYYY-MM'"}
_SQLITE = {DAY: "'%Y-%m-%d'", MONTH: "'%Y-%m'"}


def local(column, unit: str):
    """'YYYY-MM-DD' (DAY) or 'YYYY-MM' (MONTH) of `column` in Vietnam time."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(literal_column("'Asia/Ho_Chi_Minh'"), column),
                            literal_column(_POSTGRES[unit]))
    return func.strftime(literal_column(_SQLITE[unit]), column, literal_column("'+7 hours'"))
