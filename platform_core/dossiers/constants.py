"""Dossier statuses on the national 1-10 scale (docs/domain.md §1.3, §8.2), with Vietnamese labels."""

from flask_babel import lazy_gettext as _l

SUBMITTED, RECEIVED, REFUSED, PROCESSING, SUPPLEMENT_REQUIRED = 1, 2, 3, 4, 5
FINANCIAL_OBLIGATION, WITHDRAWAL_REQUESTED, STOPPED, RESULT_READY, RETURNED = 6, 7, 8, 9, 10

STATUS_NAMES = {
    SUBMITTED: "submitted",
    RECEIVED: "received",
    REFUSED: "refused",
    PROCESSING: "processing",
    SUPPLEMENT_REQUIRED: "supplement_required",
    FINANCIAL_OBLIGATION: "financial_obligation",
    WITHDRAWAL_REQUESTED: "withdrawal_requested",
    STOPPED: "stopped",
    RESULT_READY: "result_ready",
    RETURNED: "returned",
}
STATUS_CODES = {name: code for code, name in STATUS_NAMES.items()}

STATUS_LABELS = {
    SUBMITTED: _l("Submitted"),
    RECEIVED: _l("Received"),
    REFUSED: _l("Not accepted"),
    PROCESSING: _l("Being processed"),
    SUPPLEMENT_REQUIRED: _l("More documents needed"),
    FINANCIAL_OBLIGATION: _l("Fees or taxes to pay"),
    WITHDRAWAL_REQUESTED: _l("Withdrawal requested"),
    STOPPED: _l("Processing stopped"),
    RESULT_READY: _l("Result ready"),
    RETURNED: _l("Result handed over"),
}

# Messages to citizens are always Vietnamese, whatever the admin's UI language.
STATUS_LABELS_VI = {
    1: "Mới đăng ký", 2: "Đã tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý", 5: "Yêu cầu bổ sung",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính", 7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý",
    9: "Đã có kết quả", 10: "Đã trả kết quả",
}

# The state machine (docs/domain.md §8.2). A status may also repeat itself for a new event of the same kind only
# where listed (e.g. a second supplement request).
TRANSITIONS = {
    SUBMITTED: {RECEIVED, REFUSED, SUPPLEMENT_REQUIRED, WITHDRAWAL_REQUESTED},
    RECEIVED: {PROCESSING, SUPPLEMENT_REQUIRED, WITHDRAWAL_REQUESTED, RESULT_READY},
    REFUSED: set(),
    PROCESSING: {SUPPLEMENT_REQUIRED, FINANCIAL_OBLIGATION, WITHDRAWAL_REQUESTED, STOPPED, RESULT_READY},
    SUPPLEMENT_REQUIRED: {PROCESSING, WITHDRAWAL_REQUESTED, SUPPLEMENT_REQUIRED},
    FINANCIAL_OBLIGATION: {PROCESSING, WITHDRAWAL_REQUESTED},
    WITHDRAWAL_REQUESTED: {STOPPED},
    STOPPED: set(),
    RESULT_READY: {RETURNED},
    RETURNED: set(),
}

TERMINAL = {REFUSED, STOPPED, RETURNED}

# Channels a dossier can come in through (national sync standard): 1 in person, 2 online, 3 postal.
CHANNELS = {1: "in_person", 2: "online", 3: "postal"}

# Events that are not status changes.
EVENT_APOLOGY = "apology"  # a new appointment date, with the reason (docs/domain.md §1.2)
