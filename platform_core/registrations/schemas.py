"""The registrations API's shapes: the list's query, the link's body, and a registration as the province's
software reads it (with the citizen's answers, decrypted)."""

from marshmallow import Schema, fields, validate

from platform_core.dossiers.schemas import LocalDateTime, Text
from platform_core.registrations.constants import FIELDS, STATUSES

MAX_LIST = 100


class RegistrationListArgs(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES),
                           metadata={"description": "only registrations in this status (new: not fetched yet)"})
    limit = fields.Integer(load_default=MAX_LIST, validate=validate.Range(min=1, max=MAX_LIST), strict=True)


class LinkInput(Schema):
    dossier_code = Text(80, required=True, metadata={
        "description": "the code of the dossier your software created from this registration (POST /dossiers)",
    })


class AppointmentView(Schema):
    day = fields.Date(metadata={"description": "the day at the one-stop centre (YYYY-MM-DD, Vietnam)"})
    starts_at = fields.Time(format="%H:%M", metadata={"description": "HH:MM, Vietnam time"})
    ends_at = fields.Time(format="%H:%M", metadata={"description": "HH:MM, Vietnam time"})


class RegistrationView(Schema):
    id = fields.UUID()
    reference = fields.String(metadata={"description": "the code the citizen was given (DK-…)"})
    procedure_code = fields.String()
    procedure_name = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    answers = fields.Dict(keys=fields.String(validate=validate.OneOf(FIELDS)), values=fields.String(), metadata={
        "description": "what the citizen filled in, by field (full_name, birth_date as YYYY-MM-DD, id_number, "
                       "address, phone, note); empty once removed after the retention period or on request",
    })
    answers_removed_at = LocalDateTime(allow_none=True)
    dossier_code = fields.String(allow_none=True)
    created_at = LocalDateTime()
    acknowledged_at = LocalDateTime(allow_none=True)
    linked_at = LocalDateTime(allow_none=True)
    appointment = fields.Nested(AppointmentView, attribute="slot", allow_none=True, metadata={
        "description": "the appointment the citizen booked at the one-stop centre; null when none, or cancelled"})
    appointment_cancelled_at = LocalDateTime(allow_none=True, metadata={
        "description": "when the appointment was cancelled (its place freed)"})


class RegistrationListView(Schema):
    registrations = fields.List(fields.Nested(RegistrationView))
    count = fields.Integer()
