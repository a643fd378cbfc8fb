"""Catalogue vocabularies with the labels the UI shows. The codes are those of the tenants/ files
(platform_core/tenancy/schemas.py), so that a file, an import and the console speak the same language."""

from flask_babel import lazy_gettext as _l

LEVELS = {"tinh": _l("Province level"), "xa": _l("Commune level"), "trung_uong": _l("Central level")}
ONLINE_LEVELS = {"toan_trinh": _l("Fully online"), "mot_phan": _l("Partly online"), "khong": _l("Not online")}
TIME_UNITS = {"working_day": _l("working days"), "day": _l("days"), "hour": _l("hours")}

PAGE_SIZE = 50  # procedures per page in the console list

# Imports (CSV or XLSX): what one upload may hold, and how long its preview waits for the confirmation.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_UPLOAD_ROWS = 5000
MAX_XLSX_UNPACKED_BYTES = 40 * 1024 * 1024  # a 2 MB zip may unpack to gigabytes; real sheets stay far below
PENDING_IMPORT_SECONDS = 30 * 60
