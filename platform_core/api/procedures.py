"""GET /api/v1/procedures and /api/v1/procedures/<code>."""

from flask import abort, jsonify, request

from platform_core.api.blueprint import api_v1
from platform_core.catalogue import service
from platform_core.catalogue.schemas import ProcedureListArgsSchema, ProcedureSchema


@api_v1.get("/procedures")
def list_procedures():
    args = ProcedureListArgsSchema().load(request.args)
    procedures = service.list_procedures(**args)
    return jsonify(procedures=ProcedureSchema(many=True).dump(procedures), count=len(procedures))


@api_v1.get("/procedures/<code>")
def get_procedure(code: str):
    procedure = service.get_procedure(code)
    if procedure is None:
        abort(404, description=f"no procedure {code} in this province")
    return jsonify(ProcedureSchema().dump(procedure))
