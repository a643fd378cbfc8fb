"""Catalogue vocabularies with the labels the UI shows. The codes are those of the tenants/ files
(platform_core/tenancy/schemas.py), so that a file, an import and the console speak the same language."""

from flask_babel import lazy_gettext as _l

# National code d.dddddd, optionally with a province's local suffix (1.000948.H38, 1.001612.000.00.00.H01).
PROCEDURE_CODE = r"^\d\.\d{6}(?:\.[0-9A-Z]+)*$"
LEVELS = {"tinh": _l("Province level"), "xa": _l("Commune level"), "trung_uong": _l("Central level")}
ONLINE_LEVELS = {"toan_trinh": _l("Fully online"), "mot_phan": _l("Partly online"), "khong": _l("Not online")}
TIME_UNITS = {"working_day": _l("working days"), "day": _l("days"), "hour": _l("hours")}

PAGE_SIZE = 50  # procedures per page in the console list

# Imports (CSV or XLSX): what one upload may hold, and how long its preview waits for the confirmation.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = 5000
MAX_XLSX_UNPACKED_BYTES = 40 * 1024 * 1024  # a 2 MB zip may unpack to gigabytes; real sheets stay far below
# What the XLSX reader reads at most, blank rows and cells included: a sheet's declared dimension
# (`<dimension ref="A1:XFD1048576"/>`) and one far cell would otherwise make it walk 17 billion empty cells.
MAX_XLSX_ROWS_READ = 2 * MAX_UPLOAD_ROWS
MAX_XLSX_COLUMNS_READ = 32  # the header's columns (at most 14) and room to report extra cells
PENDING_IMPORT_SECONDS = 30 * 60
