"""Limits and names of the results feature (docs/zalo-oa.md §4 for Zalo's file limit)."""

from flask_babel import lazy_gettext as _l

# Zalo's /v2.0/oa/upload/file takes PDF, DOC or DOCX up to 5 MB (docs/zalo-oa.md §4): a larger result could not
# go as a file message, so it is refused when attached rather than sent as a link only. Whether Zalo's MB is 10^6
# or 2^20 bytes is not stated (docs/zalo-oa.md §8 item 16): the smaller reading is taken.
MAX_MB = 5
MAX_BYTES = MAX_MB * 1000 * 1000
PDF_MAGIC = b"%PDF-"
FILE_NAME_LENGTH = 120

EVENT_KIND = "dossier_result"  # the notification that carries the file (or its link)
LINK_HOURS = 72  # a signed link opens the download page for three days after the message is sent
DIGITS = 4  # the last digits of the applicant's phone asked before a download
REFUSED_WRONG_DIGITS = "wrong_phone_digits"  # the audited reason a download was refused
ORPHAN_GRACE_HOURS = 1  # a file without a row is swept once this old: younger, its transaction may still be open

FETCH_TIMEOUT_SECONDS = 10.0  # the whole fetch of a result by URL, connection included

SOURCE_UPLOAD, SOURCE_URL = "upload", "url"
REMOVED_REPLACED, REMOVED_RETENTION = "replaced", "retention"
REMOVED_LABELS = {REMOVED_REPLACED: _l("Replaced by a newer file"),
                  REMOVED_RETENTION: _l("Removed after the retention period")}
