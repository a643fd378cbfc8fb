"""Registrations made on Zalo, for the province's one-stop software: `GET /registrations?status=new` (oldest
first), `POST /registrations/<id>/acknowledge` (taken), `POST /registrations/<id>/link` with the code of the
dossier it created (the dossier's notices then go to the citizen's Zalo account), `POST
/registrations/<id>/appointment/cancel` (the place is freed, the citizen told). Linking a registration already
linked to another dossier answers 409; a dossier code that is not the province's, 422; cancelling when there is
no appointment, 409."""

from flask import jsonify, request

from platform_core.api.blueprint import api_v1
from platform_core.api.dossiers import json_object
from platform_core.dossiers.errors import DossierNotFound
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.registrations import service
from platform_core.registrations.schemas import LinkInput, RegistrationListArgs, RegistrationView
from platform_core.web.hooks import json_error


@api_v1.get("/registrations")
def list_registrations():
    args = RegistrationListArgs().load(request.args)
    found = service.registrations(args["status"], args["limit"])
    return jsonify(registrations=RegistrationView(many=True).dump(found), count=len(found))


@api_v1.get("/registrations/<registration_id>")
def get_registration(registration_id: str):
    return jsonify(RegistrationView().dump(_registration(registration_id)))


@api_v1.post("/registrations/<registration_id>/acknowledge")
def acknowledge_registration(registration_id: str):
    registration = service.acknowledge(_registration(registration_id))
    db.session.commit()
    return jsonify(RegistrationView().dump(registration))


@api_v1.post("/registrations/<registration_id>/link")
def link_registration(registration_id: str):
    registration = _registration(registration_id)
    data = LinkInput().load(json_object())
    try:
        service.link(registration, data["dossier_code"])
    except DossierNotFound:
        raise FieldError("dossier_code", f"no dossier {data['dossier_code']} in this province") from None
    except service.LinkConflict as conflict:
        db.session.rollback()
        return json_error({"dossier_code": [conflict.message]}), 409
    db.session.commit()
    return jsonify(RegistrationView().dump(registration))


@api_v1.post("/registrations/<registration_id>/appointment/cancel")
def cancel_registration_appointment(registration_id: str):
    registration = _registration(registration_id)
    if service.cancel_appointment(registration) is None:
        return json_error({"appointment": ["this registration has no appointment to cancel"]}), 409
    db.session.commit()
    return jsonify(RegistrationView().dump(registration))


class RegistrationNotFound(Exception):
    pass


def _registration(registration_id: str):
    registration = service.get(registration_id)
    if registration is None:
        raise RegistrationNotFound(registration_id)
    return registration


@api_v1.errorhandler(RegistrationNotFound)
def _not_found(error: RegistrationNotFound):
    return json_error({"_request": [f"no registration {error.args[0]}"]}), 404
