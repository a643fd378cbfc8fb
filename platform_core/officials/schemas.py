"""The notices API's shapes: what a province's document or one-stop system sends (validated strictly, naming
the field) and what it gets back (instants in the province's offset, +07:00)."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from platform_core.dossiers.schemas import DerivedSchema, LocalDateTime, Text, moment
from platform_core.officials.constants import (
    KIND_LABELS,
    KIND_MEETING,
    SECRECY_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
    URGENCY_NORMAL,
)
from platform_core.officials.recipients import email_of

MAX_RECIPIENTS = 50
IDEMPOTENCY_KEY_LENGTH = 120  # InternalNotice.idempotency_key holds it plus "#" and the recipient's id


class Recipients(fields.Field):
    """One recipient or a list: an official's `external_ref` or a team member's e-mail address."""

    def _deserialize(self, value, attr, data, **kwargs):
        values = value if isinstance(value, list) else [value]
        if not values or len(values) > MAX_RECIPIENTS:
            raise ValidationError(f"give 1 to {MAX_RECIPIENTS} recipients")
        if not all(isinstance(item, str) and item.strip() and len(item) <= 254 for item in values):
            raise ValidationError("each recipient is an official's external_ref or a team member's e-mail address")
        return list(dict.fromkeys(item.strip() for item in values))


class NoticeInput(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(tuple(KIND_LABELS)))
    recipients = Recipients(required=True, metadata={
        "description": "an official's external_ref (their id in the province's document system) or a team "
                       "member's e-mail address, or a list of them (at most 50)",
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "maxItems": MAX_RECIPIENTS}],
    })
    title = Text(300, required=True)
    body = Text(5000, load_default=None, allow_none=True)
    urgency = fields.String(load_default=URGENCY_NORMAL, validate=validate.OneOf(tuple(URGENCY_LABELS)), metadata={
        "description": "thuong, khan, thuong_khan or hoa_toc; the last two are re-sent until acknowledged"})
    secrecy = fields.String(load_default="", validate=validate.OneOf(tuple(SECRECY_LABELS)), metadata={
        "description": "'' (not secret), mat, toi_mat or tuyet_mat: a secret notice's title and body never go "
                       "to Zalo, only how many secret documents are waiting"})
    starts_at = moment(load_default=None, allow_none=True, metadata={"description": "a meeting's start"})
    location = Text(300, load_default=None, allow_none=True, metadata={"description": "a meeting's place"})
    due_at = moment(load_default=None, allow_none=True, metadata={"description": "when it must be handled"})
    source_system = Text(40, load_default=None, allow_none=True)
    source_ref = Text(120, load_default=None, allow_none=True, metadata={
        "description": "the document's id in source_system; with source_system it makes the request idempotent "
                       "when no idempotency_key is given"})
    idempotency_key = Text(IDEMPOTENCY_KEY_LENGTH, load_default=None, allow_none=True, metadata={
        "description": "the same key again answers 200 with the notices first created"})

    @validates_schema
    def meeting_has_a_start(self, data, **kwargs):
        if data.get("kind") == KIND_MEETING and data.get("starts_at") is None:
            raise ValidationError("a meeting needs its start time", "starts_at")


class NoticeView(DerivedSchema):
    derived = {"recipient": email_of}

    id = fields.UUID()
    kind = fields.String()
    recipient = fields.String(metadata={"description": "the official's e-mail address"})
    title = fields.String()
    urgency = fields.String()
    secrecy = fields.String()
    status = fields.String(metadata={"description": ", ".join(STATUS_LABELS)})
    starts_at = LocalDateTime(allow_none=True)
    location = fields.String(allow_none=True)
    due_at = LocalDateTime(allow_none=True)
    source_system = fields.String(allow_none=True)
    source_ref = fields.String(allow_none=True)
    send_count = fields.Integer(metadata={"description": "how many messages went to the official's Zalo"})
    next_resend_at = LocalDateTime(allow_none=True)
    created_at = LocalDateTime()
    sent_at = LocalDateTime(allow_none=True)
    read_at = LocalDateTime(allow_none=True)
    acknowledged_at = LocalDateTime(allow_none=True)


class NoticeListView(Schema):
    notices = fields.List(fields.Nested(NoticeView))
