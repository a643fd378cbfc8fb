"""The dossier API's shapes: what province systems send (validated strictly: unknown keys, wrong types and
instants without an offset are refused, naming the field) and what they get back (instants in the
province's offset, +07:00; statuses as code, name and the Vietnamese label citizens see).

Values worked out from the whole dossier (its appointment, overdue) are declared as ordinary typed fields
and looked up in `derived`, so the OpenAPI document describes them like any other field.
"""

from marshmallow import Schema, ValidationError, fields, validate

from platform_core.clock import VIETNAM
from platform_core.dossiers import clock, service
from platform_core.dossiers.constants import CHANNELS, EVENT_APOLOGY, STATUS_LABELS_VI, STATUS_NAMES
from platform_core.dossiers.state import parse_status

MOMENT_ERROR = "must be an ISO 8601 date-time with an offset, e.g. 2026-07-15T08:30:00+07:00"
# Opaque (docs/domain.md §1.5), but it travels in URLs: no spaces, slashes, or ? # %.
DOSSIER_CODE = r"^[^\s/?#%\\]+$"
NOT_BLANK = r"\S"  # JSON Schema pattern: one character that is not whitespace
STATUS_HELP = "a national status code 1-10 or its name ({})".format(", ".join(STATUS_NAMES.values()))


# --- fields -------------------------------------------------------------------------------------------------


class Text(fields.String):
    """A string without its surrounding whitespace; a blank one is refused (and the OpenAPI document says so:
    a pattern asking for one character that is not whitespace, unless a pattern of its own already does)."""

    def __init__(self, max_length: int, validators=(), **options):
        if not any(isinstance(validator, validate.Regexp) for validator in validators):
            options["metadata"] = {"pattern": NOT_BLANK} | options.get("metadata", {})
        super().__init__(validate=[validate.Length(max=max_length), *validators], **options)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not text:
            raise ValidationError("must not be blank")
        return text


def moment(**options) -> fields.AwareDateTime:
    """An instant sent by a province system: ISO 8601 with its offset, never a naive local time."""
    errors = {"invalid": MOMENT_ERROR, "invalid_awareness": MOMENT_ERROR}
    return fields.AwareDateTime(format="iso", error_messages=errors, **options)


class LocalDateTime(fields.DateTime):
    """An instant shown in the province's time (UTC+7), with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(VIETNAM).isoformat()


class WholeNumber(fields.Integer):
    """An integer, strictly (no "2", no 2.5), where 2.0 is 2: JSON has one number type, and the OpenAPI
    document's JSON Schema (2020-12) counts 2.0 as an integer, so refusing it would refuse what the document
    allows."""

    def __init__(self, **options):
        super().__init__(strict=True, **options)

    def _validated(self, value):
        return super()._validated(whole(value))


def whole(value):
    """2.0 as 2; anything else as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


class Status(fields.Field):
    """A national status by code (5, "5") or name ("supplement_required"); `apology` too on events."""

    def __init__(self, apology: bool = False, **options):
        super().__init__(**options)
        self.apology = apology

    def _deserialize(self, value, attr, data, **kwargs):
        if self.apology and value == EVENT_APOLOGY:
            return EVENT_APOLOGY
        status = parse_status(whole(value))
        if status is None:
            raise ValidationError(f"must be {STATUS_HELP}" + (", or apology" if self.apology else ""))
        return status


class StatusView(Schema):
    code = fields.Integer()
    name = fields.String()
    label = fields.String(metadata={"description": "Vietnamese, as citizens read it"})


class StatusOut(fields.Nested):
    """A stored status code shown as {code, name, label}."""

    def __init__(self, **options):
        super().__init__(StatusView, allow_none=True, **options)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        view = {"code": value, "name": STATUS_NAMES[value], "label": STATUS_LABELS_VI[value]}
        return super()._serialize(view, attr, obj, **kwargs)


# --- what province systems send -----------------------------------------------------------------------------


class ApplicantInput(Schema):
    name = Text(200, required=True)
    phone = fields.String(required=True, validate=validate.Length(max=40),
                          metadata={"description": "a Vietnamese mobile number; stored as E.164 (+84...)"})
    zalo_user_id = Text(40, load_default=None, allow_none=True)


class DossierInput(Schema):
    code = Text(80, [validate.Regexp(DOSSIER_CODE, error="no spaces, /, ?, #, % or \\")], required=True,
                metadata={"description": "the dossier code (mã hồ sơ), unique in the province"})
    procedure_code = Text(40, required=True, metadata={"description": "a procedure of this province's catalogue"})
    applicant = fields.Nested(ApplicantInput, required=True)
    received_at = moment(required=True)
    due_at = moment(required=True, metadata={"description": "the appointment (ngày hẹn trả), after received_at"})
    external_id = Text(120, load_default=None, allow_none=True)
    channel = WholeNumber(
        load_default=None, allow_none=True, validate=validate.OneOf(tuple(CHANNELS)),
        metadata={"description": "1 in person, 2 online, 3 public postal service"},
    )
    status = Status(load_default=None, metadata={
        "description": "1 submitted or 2 received (the default); later statuses are events",
        "oneOf": [{"type": "integer", "enum": [1, 2]}, {"type": "string", "enum": ["submitted", "received"]},
                  {"type": "null"}],
    })


class EventInput(Schema):
    status = Status(apology=True, required=True, metadata={
        "description": f"{STATUS_HELP}; or `apology`: a new appointment with its reason, not a status change",
        "oneOf": [{"type": "integer", "minimum": 1, "maximum": 10},
                  {"type": "string", "enum": [*STATUS_NAMES.values(), EVENT_APOLOGY]}],
    })
    occurred_at = moment(required=True, metadata={"description": "not before the dossier's previous event"})
    note = Text(2000, load_default=None, allow_none=True)
    reason = Text(2000, load_default=None, allow_none=True,
                  metadata={"description": "required for refused, stopped and apology"})
    missing_documents = fields.List(
        Text(500), load_default=None, allow_none=True, validate=validate.Length(max=50),
        metadata={"description": "required (at least one) for supplement_required, and only there"},
    )
    new_due_at = moment(load_default=None, allow_none=True,
                        metadata={"description": "apology only: the new appointment, after the current one"})


# --- what they get back -------------------------------------------------------------------------------------


class DerivedSchema(Schema):
    """Fields named in `derived` take their value from a function of the whole object."""

    derived: dict = {}

    def get_attribute(self, obj, attr, default):
        derive = self.derived.get(attr)
        return derive(obj) if derive else super().get_attribute(obj, attr, default)


class DeliveryView(Schema):
    id = fields.UUID()
    state = fields.String(metadata={"enum": ["pending", "sending", "sent", "delivered", "seen", "failed"]})
    channel = fields.String(allow_none=True, metadata={"description": "cs, transaction or zns; set when sent"})
    channel_reason = fields.String(allow_none=True)
    fallback_from = fields.String(allow_none=True)
    attempts = fields.Integer()
    sent_at = LocalDateTime(allow_none=True)
    delivered_at = LocalDateTime(allow_none=True)
    seen_at = LocalDateTime(allow_none=True)
    error_code = fields.Integer(allow_none=True)
    error_message = fields.String(allow_none=True)
    simulated = fields.Boolean()


class NotificationView(DerivedSchema):
    derived = {"dossier_code": service.dossier_code_of}

    id = fields.UUID()
    dossier_code = fields.String(allow_none=True)
    event_kind = fields.String()
    message_class = fields.String()
    simulated = fields.Boolean(metadata={"description": "made with a test key: never sent to Zalo"})
    created_at = LocalDateTime()
    deliveries = fields.List(fields.Nested(DeliveryView))


class EventView(Schema):
    seq = fields.Integer()
    kind = fields.String(metadata={"description": "the status name reached, or apology"})
    status = StatusOut(attribute="to_status", metadata={"description": "null for an apology"})
    from_status = StatusOut()
    occurred_at = LocalDateTime()
    note = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    missing_documents = fields.List(fields.String())
    new_due_at = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()


class ApplicantView(Schema):
    name = fields.String(attribute="applicant_name")
    phone = fields.String(attribute="applicant_phone", allow_none=True)
    zalo_user_id = fields.String(attribute="applicant_zalo_user_id", allow_none=True)


class DossierView(DerivedSchema):
    derived = {
        "applicant": lambda dossier: dossier,
        "appointment_at": clock.appointment,
        "overdue": clock.overdue,
    }

    code = fields.String()
    external_id = fields.String(allow_none=True)
    procedure_code = fields.String()
    applicant = fields.Nested(ApplicantView)
    channel = fields.Integer(allow_none=True)
    status = StatusOut()
    received_at = LocalDateTime()
    due_at = LocalDateTime()
    revised_due_at = LocalDateTime(allow_none=True, metadata={"description": "set by an apology"})
    appointment_at = LocalDateTime(metadata={"description": "revised_due_at if any, else due_at"})
    overdue = fields.Boolean(metadata={"description": "appointment passed, net of supplement waiting time"})
    supplement_paused_seconds = fields.Integer(metadata={"description": "finished supplement waits"})
    supplement_started_at = LocalDateTime(allow_none=True, metadata={"description": "a wait in progress"})
    completed_at = LocalDateTime(allow_none=True)
    returned_at = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()
    updated_at = LocalDateTime()
    events = fields.List(fields.Nested(EventView))
    notifications = fields.List(fields.Nested(NotificationView))


class EventResultView(Schema):
    event = fields.Nested(EventView)
    dossier = fields.Nested(DossierView)
