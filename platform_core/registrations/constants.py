"""Names and limits of registrations on Zalo."""

from flask_babel import lazy_gettext as _l

# The fields a province may ask on a procedure's form, in the form's order.
FIELD_NAME, FIELD_BIRTH_DATE, FIELD_ID_NUMBER = "full_name", "birth_date", "id_number"
FIELD_ADDRESS, FIELD_PHONE, FIELD_NOTE = "address", "phone", "note"
FIELD_LABELS = {
    FIELD_NAME: _l("Full name"),
    FIELD_BIRTH_DATE: _l("Date of birth"),
    FIELD_ID_NUMBER: _l("Citizen ID number (CCCD)"),
    FIELD_ADDRESS: _l("Address"),
    FIELD_PHONE: _l("Phone number"),
    FIELD_NOTE: _l("Note"),
}
FIELDS = tuple(FIELD_LABELS)
DEFAULT_FIELDS = (FIELD_NAME, FIELD_PHONE)

# Whether a procedure's form asks for an appointment at the one-stop centre (when there are free slots for it).
APPOINTMENT_NONE, APPOINTMENT_OPTIONAL, APPOINTMENT_REQUIRED = "none", "optional", "required"
APPOINTMENT_MODES = {
    APPOINTMENT_NONE: _l("No appointment"),
    APPOINTMENT_OPTIONAL: _l("Appointment optional"),
    APPOINTMENT_REQUIRED: _l("Appointment required"),
}
DEFAULT_APPOINTMENT = APPOINTMENT_OPTIONAL

STATUS_NEW, STATUS_ACKNOWLEDGED, STATUS_LINKED = "new", "acknowledged", "linked"
STATUSES = (STATUS_NEW, STATUS_ACKNOWLEDGED, STATUS_LINKED)
STATUS_LABELS = {STATUS_NEW: _l("New"), STATUS_ACKNOWLEDGED: _l("Acknowledged"),
                 STATUS_LINKED: _l("Linked to a dossier")}

LINK_HOURS = 24  # the form's link, sent in the chat, opens the form for a day
EVENT_KIND = "registration_received"  # the citizen's confirmations (received, then linked to a dossier)
TRIGGER = "dang ky"  # folded: "đăng ký kết hôn", "Đăng ký khai sinh"
CANCEL_TRIGGER = "huy lich hen"  # folded: "Hủy lịch hẹn", "hủy lịch hẹn DK-1A2B3C4D" (the confirmation's button)
MENU_BUTTONS = 4  # the menu's first procedures as buttons too (Zalo's cards take 4, docs/zalo-oa.md §8)
MAX_CHOICES = 9  # procedures in the numbered menu (answered by one digit)
NOTE_LENGTH, ADDRESS_LENGTH = 500, 300

MAX_SLOTS_OFFERED = 60  # the form's choice of appointments: the nearest free ones
SLOTS_AHEAD_DAYS = 60  # the console makes slots at most this far ahead in one go
MAX_SLOTS_MADE = 400  # nor more slots than this at once
MAX_CAPACITY = 500

WEBHOOK_PENDING, WEBHOOK_SENT, WEBHOOK_FAILED = "pending", "sent", "failed"
WEBHOOK_STATUS_LABELS = {WEBHOOK_PENDING: _l("Sending"), WEBHOOK_SENT: _l("Delivered"), WEBHOOK_FAILED: _l("Failed")}
WEBHOOK_RETRY_INTERVALS = (10, 60, 300, 1800, 3600)  # seconds between attempts, after the first
WEBHOOK_TIMEOUT_SECONDS = 10
WEBHOOK_EVENT = "registration.created"
SIGNATURE_HEADER, TIMESTAMP_HEADER, EVENT_HEADER = "X-Motcua-Signature", "X-Motcua-Timestamp", "X-Motcua-Event"
