"""Importing procedures from a CSV or XLSX file, up to the preview: read the file, check every row, and work
out what would change. Nothing here writes; service.apply_import does, once the person has confirmed the
preview (in between, the checked rows wait server-side: pending.py).

A file is refused as a whole (FileRefused) when it cannot be read as a table with our header; otherwise every
row is checked and each problem is reported with its row number (the header is row 1, as in Excel) and
column. One problem anywhere and nothing is imported. Codes absent from the file are left as they are: an
import adds and changes procedures, it never removes one.
"""

import codecs
import csv
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from platform_core.catalogue.columns import KEYS, Invalid, clean, parse_cells, parse_code
from platform_core.catalogue.constants import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_ROWS,
    MAX_XLSX_COLUMNS_READ,
    MAX_XLSX_ROWS_READ,
    MAX_XLSX_UNPACKED_BYTES,
)
from platform_core.db.checksum_upsert import checksum
from platform_core.spreadsheets import open_xlsx
from platform_core.text import fold

EXTENSIONS = (".csv", ".xlsx")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_DELIMITERS = (",", ";", "\t")  # Excel writes ";" where the decimal mark is a comma (Vietnamese settings)

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


class FileRefused(Exception):
    """The file as a whole cannot be imported (type, size, encoding, header); `message` says why and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # a column key; "" for the row as a whole
    message: str


@dataclass
class Table:
    columns: list[str]  # column keys, from the header row
    rows: list[tuple[int, list[str]]]  # (row number, cells), blank rows left out


@dataclass
class CheckedRow:
    row: int
    code: str
    values: dict  # the values the row gives, parsed (column key -> value)


@dataclass
class Change:
    row: int
    code: str
    name: str
    kind: str  # NEW, CHANGED or UNCHANGED
    differences: list[tuple[str, object, object]] = field(default_factory=list)  # (column key, old, new)

    @property
    def after(self) -> dict:
        """The values this change writes, by column key."""
        return {key: new for key, _old, new in self.differences}


@dataclass
class Plan:
    changes: list[Change]

    def of_kind(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def new(self) -> list[Change]:
        return self.of_kind(NEW)

    @property
    def changed(self) -> list[Change]:
        return self.of_kind(CHANGED)

    @property
    def unchanged(self) -> list[Change]:
        return self.of_kind(UNCHANGED)

    @property
    def digest(self) -> str:
        """Equal digests, equal effects: a confirmation applies only the changes that were previewed."""
        return checksum([[change.code, change.kind, change.differences] for change in self.changes])


# --- reading the file ----------------------------------------------------------------------------------------

def read_table(filename: str, data: bytes) -> Table:
    """The file's header and non-blank rows; FileRefused when it is not a CSV or XLSX table of ours."""
    if not filename or not filename.lower().endswith(EXTENSIONS):
        raise FileRefused(_l("Choose a .csv or .xlsx file."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise FileRefused(_l("The file is larger than %(size)s MB. Split it into smaller files.",
                             size=MAX_UPLOAD_BYTES // (1024 * 1024)))
    if not data.strip():
        raise FileRefused(_l("The file is empty."))
    if data.startswith(_OLE_MAGIC):
        raise FileRefused(_l("This is an old Excel file (.xls). In Excel, save it as .xlsx or as CSV UTF-8."))
    records = _xlsx_records(data) if data.startswith(_ZIP_MAGIC) else _csv_records(data)
    return _table(records)


def _table(records: Iterator[tuple[int, list[str]]]) -> Table:
    first = next(records, None)
    if first is None:
        raise FileRefused(_l("The file is empty."))
    columns = _header(first[1])
    rows = []
    for number, cells in records:
        if any(clean(cell) for cell in cells):
            rows.append((number, cells))
            if len(rows) > MAX_UPLOAD_ROWS:
                raise FileRefused(_l("The file has more than %(count)s procedures. Split it into smaller files.",
                                     count=f"{MAX_UPLOAD_ROWS:,}".replace(",", ".")))
    if not rows:
        raise FileRefused(_l("The file has a header but no procedures."))
    return Table(columns=columns, rows=rows)


def _header(cells: list[str]) -> list[str]:
    """Column keys as written in the header; any unknown, missing or repeated name refuses the file."""
    names = [fold(clean(cell)).replace(" ", "_") for cell in cells]
    while names and not names[-1]:
        names.pop()  # spreadsheets leave empty cells at the end of a row
    expected = ", ".join(KEYS)
    unknown = [name or "?" for name in names if name not in KEYS]
    if unknown or "code" not in names:
        raise FileRefused(_l("The first row must name the columns (at least code), among: %(expected)s. "
                             "Not recognised: %(unknown)s.", expected=expected,
                             unknown=", ".join(unknown) or "-"))
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise FileRefused(_l("These columns appear twice in the first row: %(names)s.", names=", ".join(repeated)))
    return names


def _csv_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 - `number` is reported on error
            yield number, cells
    except csv.Error as error:
        raise FileRefused(_l("The file could not be read as CSV near row %(row)s (%(error)s).",
                             row=number + 1, error=str(error))) from None


def _decode(data: bytes) -> str:
    """UTF-8 with or without BOM (Excel's "CSV UTF-8" has one), or UTF-16 (Excel's "Unicode text")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, data = "utf-16", data
    elif b"\x00" in data:
        raise FileRefused(_l("This is not a CSV file. Choose a .csv or .xlsx file."))
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRefused(_l("The file is not in UTF-8. In Excel choose Save as, then “CSV UTF-8 (Comma "
                             "delimited)”, or upload the .xlsx file itself.")) from None
    # A Mac writes Vietnamese letters decomposed; stored names are composed, and must compare equal.
    return unicodedata.normalize("NFC", text)


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    unreadable = FileRefused(_l("The file could not be read as an Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise FileRefused(_l("The workbook is too large once unpacked. Keep only the procedures sheet."))
        workbook = open_xlsx(data)
    except FileRefused:
        raise
    except Exception:  # a damaged upload can fail anywhere inside zipfile or openpyxl
        raise unreadable from None
    try:
        yield from _bounded_rows(workbook.worksheets[0])
    except FileRefused:
        raise
    except Exception:  # same: malformed sheet XML is only met while reading the rows
        raise unreadable from None
    finally:
        workbook.close()


def _bounded_rows(sheet) -> Iterator[tuple[int, list[str]]]:
    """The sheet's non-blank rows, reading at most MAX_XLSX_ROWS_READ rows of MAX_XLSX_COLUMNS_READ cells.

    Both bounds are given to openpyxl, which otherwise pads every row to the sheet's declared dimension and
    yields every missing row up to its last one; the row bound counts blank rows too, since they cost as
    much to read as kept ones. A sheet going on past it is refused rather than cut short."""
    rows = sheet.iter_rows(max_row=MAX_XLSX_ROWS_READ + 1, max_col=MAX_XLSX_COLUMNS_READ, values_only=True)
    for number, values in enumerate(rows, start=1):
        if number > MAX_XLSX_ROWS_READ:
            raise FileRefused(_l("The sheet goes on past row %(count)s. Delete the rows after the last "
                                 "procedure, or split the file.", count=f"{MAX_XLSX_ROWS_READ:,}".replace(",", ".")))
        values = list(values)
        while values and values[-1] is None:
            values.pop()  # the padding up to the column bound
        if values:
            yield number, [_cell_text(value) for value in values]


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a person would have typed (20000, not 20000.0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# --- checking the rows and planning the changes --------------------------------------------------------------

def check_rows(table: Table, current: dict[str, dict]) -> tuple[list[CheckedRow], list[RowError]]:
    """Parse every row against `current` (code -> the procedure's values now): a known code may give only
    some columns, a new one must be complete. Returns the rows and every problem found."""
    checked, errors, seen = [], [], {}
    for number, cells in table.rows:
        if any(clean(cell) for cell in cells[len(table.columns):]):
            errors.append(RowError(number, "", _l("This row has more cells than the first row has columns.")))
        named = {key: cells[index] if index < len(cells) else "" for index, key in enumerate(table.columns)}
        code = _code_or_none(named["code"])
        if code in seen:
            errors.append(RowError(number, "code", _l("Code %(code)s is also on row %(row)s.", code=code,
                                                      row=seen[code])))
            continue
        if code is not None:
            seen[code] = number
        values, problems = parse_cells(named, current.get(code) if code else {})
        errors.extend(RowError(number, key, message) for key, message in problems.items())
        if not problems:
            checked.append(CheckedRow(number, code, values))
    errors.sort(key=lambda error: (error.row, KEYS.index(error.column) if error.column else -1))
    return checked, errors


def _code_or_none(raw: str) -> str | None:
    try:
        return parse_code(clean(raw))
    except Invalid:
        return None


def plan(rows: list[CheckedRow], current: dict[str, dict]) -> Plan:
    """What applying `rows` to `current` would do, row by row, with the old and new value of each change."""
    changes = []
    for row in rows:
        before = current.get(row.code)
        if before is None:
            differences = [(key, None, value) for key, value in row.values.items() if key != "code"]
            changes.append(Change(row.row, row.code, row.values["name"], NEW, differences))
            continue
        differences = [(key, before[key], value) for key, value in row.values.items() if before[key] != value]
        name = row.values.get("name") or before["name"]
        changes.append(Change(row.row, row.code, name, CHANGED if differences else UNCHANGED, differences))
    return Plan(changes)
