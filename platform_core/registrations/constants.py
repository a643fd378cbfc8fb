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

STATUS_NEW, STATUS_ACKNOWLEDGED, STATUS_LINKED = "new", "acknowledged", "linked"
STATUSES = (STATUS_NEW, STATUS_ACKNOWLEDGED, STATUS_LINKED)
STATUS_LABELS = {STATUS_NEW: _l("New"), STATUS_ACKNOWLEDGED: _l("Acknowledged"),
                 STATUS_LINKED: _l("Linked to a dossier")}

LINK_HOURS = 24  # the form's link, sent in the chat, opens the form for a day
EVENT_KIND = "registration_received"  # the citizen's confirmations (received, then linked to a dossier)
TRIGGER = "dang ky"  # folded: "đăng ký kết hôn", "Đăng ký khai sinh"
MAX_CHOICES = 5  # procedures listed when a name matches several
NOTE_LENGTH, ADDRESS_LENGTH = 500, 300
