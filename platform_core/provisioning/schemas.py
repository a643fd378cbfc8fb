"""Schemas for the data files in tenants/: `<slug>/tenant.yaml` and the `catalogue.yaml` files.

Loading a file through these schemas is also what normalises it: the checksums that `flask tenants sync` keeps
are taken over the loaded result, so comments, key order and quoting in the YAML never count as a change.
Unknown keys are rejected (marshmallow's default), so a typo cannot be silently ignored.
"""

from marshmallow import ValidationError, fields, missing, validate, validates_schema

from platform_core.catalogue.constants import PROCEDURE_CODE
from platform_core.settings.definitions import AGENCY_LEVELS
from platform_core.tenancy.constants import UNIT_TYPES
from platform_core.tenancy.files import QUOTED, FileSchema
from platform_core.tenancy.service import SLUG_PATTERN

PROVINCE_CODE = r"^\d{2}$"
PHONE = r"^\+84\d{9,10}$"

LEVELS = ("tinh", "xa", "trung_uong")
ONLINE_LEVELS = ("toan_trinh", "mot_phan", "khong")
TIME_UNITS = ("working_day", "day", "hour")



def _text(max_length: int, **options) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **options)


def _one_of(choices, **options) -> fields.String:
    return fields.String(validate=validate.OneOf(choices, error=f"must be one of: {', '.join(choices)}"), **options)


def _count(**options) -> fields.Integer:
    return fields.Integer(strict=True, validate=validate.Range(min=0, error="must be 0 or more"), **options)


class PredecessorSchema(FileSchema):
    name = _text(120, required=True)
    old_code = fields.String(
        required=True, error_messages=QUOTED, validate=validate.Regexp(PROVINCE_CODE, error="must be two digits")
    )


class AgencySchema(FileSchema):
    name = _text(200, required=True)
    level = _one_of(AGENCY_LEVELS, required=True)
    one_stop_centre = fields.Boolean(load_default=False)


class ProfileSchema(FileSchema):
    """What the province shows citizens: its Zalo OA name, contacts and agencies."""

    oa_name = _text(120, required=True)
    contact_email = fields.Email(load_default=None)
    contact_phone = fields.String(
        load_default=None, validate=validate.Regexp(PHONE, error="must be +84 followed by 9 or 10 digits")
    )
    agencies = fields.List(fields.Nested(AgencySchema), load_default=list)


class TenantFileSchema(FileSchema):
    """tenants/<slug>/tenant.yaml: one province-level unit as published (Resolution 202/2025/QH15)."""

    slug = fields.String(
        required=True, validate=validate.Regexp(SLUG_PATTERN, error="use lower-case letters, digits and hyphens")
    )
    code = fields.String(
        required=True, error_messages=QUOTED, validate=validate.Regexp(PROVINCE_CODE, error="must be two digits")
    )
    name = _text(120, required=True)
    unit_type = _one_of(tuple(UNIT_TYPES), required=True)
    timezone = _text(40, load_default="Asia/Ho_Chi_Minh")
    legal_refs = fields.List(_text(120), required=True, validate=validate.Length(min=1, error="give at least one"))
    predecessors = fields.List(
        fields.Nested(PredecessorSchema), required=True, validate=validate.Length(min=1, error="give at least one")
    )
    profile = fields.Nested(ProfileSchema, load_default=None)


class ProcessingTimeSchema(FileSchema):
    value = _count(required=True)
    unit = _one_of(TIME_UNITS, required=True)
    note = _text(200, load_default=None)


class ProcedureSchema(FileSchema):
    """One procedure, complete (the defaults, or a province's own procedure)."""

    code = fields.String(
        required=True, error_messages=QUOTED,
        validate=[
            validate.Length(max=40),
            validate.Regexp(PROCEDURE_CODE, error="must look like 1.004222, optionally with a local suffix"),
        ],
    )
    name = _text(2000, required=True)
    field = _text(200, required=True)
    level = _one_of(LEVELS, required=True)
    agency = _text(200, required=True)
    online_level = _one_of(ONLINE_LEVELS, required=True)
    processing_time = fields.Nested(ProcessingTimeSchema, allow_none=True, load_default=None)
    fee_vnd = _count(allow_none=True, load_default=None)
    fee_note = _text(300, allow_none=True, load_default=None)
    result = _text(2000, allow_none=True, load_default=None)
    # The papers to bring, one a line. No default: a file without it loads as before (same checksum).
    required_documents = _text(4000, allow_none=True)
    enabled = fields.Boolean(load_default=True)


class ProcedureChangeSchema(ProcedureSchema):
    """A province's change to a default procedure: the same fields, but only `code` is required and nothing
    is filled in, so that the fields a province leaves out keep their default values."""

    def on_bind_field(self, field_name, field_obj):
        if field_name != "code":
            field_obj.required = False
            field_obj.load_default = missing


class _CatalogueFileSchema(FileSchema):
    @validates_schema
    def _codes_are_unique(self, data, **kwargs):
        codes = [procedure["code"] for procedure in data.get("procedures", [])]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValidationError(f"duplicate codes: {', '.join(duplicates)}", "procedures")


class DefaultCatalogueSchema(_CatalogueFileSchema):
    """tenants/_defaults/catalogue.yaml: the national catalogue every province starts from."""

    procedures = fields.List(fields.Nested(ProcedureSchema), required=True)


class ProvinceCatalogueSchema(_CatalogueFileSchema):
    """tenants/<slug>/catalogue.yaml: changes to the defaults, matched by code, and the province's own
    procedures (which must then be complete; the sync checks that against the defaults)."""

    procedures = fields.List(fields.Nested(ProcedureChangeSchema), required=True)


