"""Writing a one-sheet XLSX file (the catalogue's export, the reports' downloads) and opening one to read.

Text is stored as text cells, never as a formula: openpyxl would take a string starting with "=" for one, and a
catalogue or a report holds what provinces and citizens typed. openpyxl is imported when a file is written:
it costs about 0.05 s of CPU, which every process would otherwise pay at start.
"""

import io
from collections.abc import Iterable, Sequence


def xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence], widths: Sequence[float] = (),
         freeze: str | None = None) -> bytes:
    """The header in bold, then the rows (numbers as numbers); `widths` by column, `freeze` a cell such as "B2"."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit for a sheet's name
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def open_xlsx(data: bytes):
    """An XLSX file to read row by row (openpyxl's read-only workbook; cells hold values, not formulas)."""
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
