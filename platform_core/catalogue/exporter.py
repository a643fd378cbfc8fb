"""Exporting a tenant's catalogue as CSV or XLSX, in the columns the import reads (columns.py), so that an
exported file, edited or not, can be imported back."""

import csv
import io

from platform_core.catalogue.columns import FORMULA_START, KEYS, as_text
from platform_core.catalogue.models import Procedure
from platform_core.spreadsheets import xlsx

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_WIDTHS = {"code": 14, "name": 60, "field": 28, "agency": 36, "processing_time_note": 24, "fee_note": 30,
           "result": 40, "required_documents": 50}


def to_csv(procedures: list[Procedure]) -> bytes:
    """UTF-8 with a BOM (so that Excel shows Vietnamese letters), comma-separated, one row per procedure.
    Text that a spreadsheet would run as a formula gets a leading quote, which the import takes off."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(KEYS)
    for procedure in procedures:
        writer.writerow([_guard(as_text(key, getattr(procedure, key))) for key in KEYS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _guard(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_START) else text


def to_xlsx(procedures: list[Procedure]) -> bytes:
    """One sheet; numbers as numbers, everything else as text cells (never formulas)."""
    rows = ([_xlsx_value(key, getattr(procedure, key)) for key in KEYS] for procedure in procedures)
    return xlsx("procedures", KEYS, rows, widths=[_WIDTHS.get(key, 16) for key in KEYS], freeze="B2")


def _xlsx_value(key: str, value):
    return value if isinstance(value, int) and not isinstance(value, bool) else as_text(key, value) or None


def filename(slug: str, extension: str, today) -> str:
    return f"thu-tuc-{slug}-{today.isoformat()}.{extension}"
