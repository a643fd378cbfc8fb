"""Exporting a tenant's catalogue as CSV or XLSX, in the columns the import reads (columns.py), so that an
exported file, edited or not, can be imported back."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from platform_core.catalogue.columns import FORMULA_START, KEYS, as_text
from platform_core.catalogue.models import Procedure

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
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "procedures"
    sheet.append(KEYS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for procedure in procedures:
        sheet.append([_xlsx_value(key, getattr(procedure, key)) for key in KEYS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store text starting with "=" as a formula
    for index, key in enumerate(KEYS):
        sheet.column_dimensions[sheet.cell(row=1, column=index + 1).column_letter].width = _WIDTHS.get(key, 16)
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(key: str, value):
    return value if isinstance(value, int) and not isinstance(value, bool) else as_text(key, value) or None


def filename(slug: str, extension: str, today) -> str:
    return f"thu-tuc-{slug}-{today.isoformat()}.{extension}"
