"""How a procedure is shown by the API."""

from marshmallow import Schema, fields


class ProcessingTimeSchema(Schema):
    value = fields.Integer(attribute="processing_time_value", allow_none=True)
    unit = fields.String(attribute="processing_time_unit", allow_none=True)
    note = fields.String(attribute="processing_time_note", allow_none=True)


class ProcedureSchema(Schema):
    code = fields.String()
    name = fields.String()
    field = fields.String()
    level = fields.String()
    agency = fields.String()
    processing_time = fields.Method("_processing_time")
    fee_vnd = fields.Integer(allow_none=True)
    fee_note = fields.String(allow_none=True)
    online_level = fields.String()
    result = fields.String(allow_none=True)
    required_documents = fields.List(fields.String(), attribute="document_list", metadata={
        "description": "the papers to bring (thành phần hồ sơ), one item each; empty when not stated"})
    enabled = fields.Boolean()

    def _processing_time(self, procedure):
        if procedure.processing_time_unit is None and procedure.processing_time_value is None:
            return None
        return ProcessingTimeSchema().dump(procedure)


class ProcedureListArgsSchema(Schema):
    field = fields.String(load_default=None)
    q = fields.String(load_default=None, validate=lambda s: len(s) <= 100)
    enabled = fields.Boolean(load_default=None)
