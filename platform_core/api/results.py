"""PUT /api/v1/dossiers/<code>/result (attach the electronic result), GET the same (what became of it).

The file comes either as multipart/form-data (`file`, a PDF) or as a JSON body naming an https URL on one of the
province's allowed hosts (results/fetch.py). A dossier whose result is not ready (9) or handed over (10) answers
409; a URL the province does not allow 403; a file that is not a PDF or is larger than Zalo takes 422.
"""

from flask import jsonify, request

from platform_core.api.blueprint import api_v1
from platform_core.api.dossiers import json_object, simulated
from platform_core.dossiers import service as dossiers
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.results import service
from platform_core.results.constants import MAX_BYTES
from platform_core.results.fetch import SourceRefused
from platform_core.results.schemas import ResultFileInput, ResultUrlInput, ResultView
from platform_core.web.hooks import json_error


@api_v1.put("/dossiers/<code>/result")
def attach_result(code: str):
    if request.mimetype == "multipart/form-data":
        result = _attach_upload(code)
    else:
        data = ResultUrlInput().load(json_object())
        result = service.attach_from_url(code, data["url"], data["file_name"], simulated=simulated())
    db.session.flush()
    response = jsonify(ResultView().dump(service.status_of(result)))
    db.session.commit()
    return response, 201


@api_v1.get("/dossiers/<code>/result")
def get_result(code: str):
    result = service.latest_result(dossiers.get_dossier(code))
    if result is None:
        return json_error({"_request": [f"no result attached to dossier {code}"]}), 404
    return jsonify(ResultView().dump(service.status_of(result)))


def _attach_upload(code: str):
    """The request as a whole is bounded by MAX_CONTENT_LENGTH (5 MB, 413 above it: the form is read before any
    view, web/input_guard.py), the file by MAX_BYTES."""
    upload, form = request.files.get("file"), request.form.to_dict()
    if upload is None:
        raise FieldError("file", "send the PDF as the form's `file` part")
    data = ResultFileInput().load(form)
    return service.attach(code, upload.read(MAX_BYTES + 1), data["file_name"] or upload.filename,
                          simulated=simulated())


@api_v1.errorhandler(SourceRefused)
def _source_refused(error: SourceRefused):
    db.session.rollback()
    return json_error({error.field: [error.message]}), 403
