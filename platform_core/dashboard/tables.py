"""A report's table: what the page shows under the chart and what its CSV and XLSX downloads hold."""

import csv
import io
from dataclasses import dataclass, field

from flask import Response
from markupsafe import Markup

from platform_core.spreadsheets import xlsx

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with one
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


@dataclass
class Table:
    key: str  # in URLs and file names
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    total: list | None = None  # a last "all" row, kept apart so that charts leave it out
    chart: Markup | None = None
    note: str | None = None


def to_csv(table: Table) -> str:
    """UTF-8 text with a byte-order mark, a header row, the rows, then the total row."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([str(column) for column in table.columns])
    for row in table.rows + ([table.total] if table.total else []):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value) -> str:
    """Numbers as they are; text (a procedure or agency name from the catalogue) never as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return str(value)


def percent(part: int, whole: int) -> float | None:
    """One decimal, None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def to_xlsx(table: Table) -> bytes:
    """One sheet: the header in bold, numbers as numbers, text as text cells (never a formula)."""
    rows = ([value if value is None or isinstance(value, int | float) else str(value) for value in row]
            for row in table.rows + ([table.total] if table.total else []))
    return xlsx(table.key, [str(column) for column in table.columns], rows)


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_DOWNLOADS = {"csv": (to_csv, "text/csv"), "xlsx": (to_xlsx, XLSX_TYPE)}
FILE_FORMATS = tuple(_DOWNLOADS)


def download_response(table: Table, name: str, file_format: str) -> Response:
    """The table as a download named `name`.csv or `name`.xlsx."""
    body, mimetype = _DOWNLOADS[file_format][0](table), _DOWNLOADS[file_format][1]
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{file_format}"'})
