"""GET /api/v1/openapi.json: the OpenAPI 3.1 document of /api/v1.

The request and response bodies come from the marshmallow schemas the views use (apispec's MarshmallowPlugin),
so the document cannot drift from what is validated and returned; only the list of operations below is
written by hand, and a test checks it against the blueprint's routes. The document is public: it describes
the API and holds no tenant data.
"""

from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify
from marshmallow import Schema, fields

from platform_core.api.blueprint import api_v1, public
from platform_core.api.dossiers import IDEMPOTENCY_KEY_LENGTH, MAX_BODY
from platform_core.catalogue.schemas import ProcedureListArgsSchema, ProcedureSchema
from platform_core.dossiers.schemas import DossierInput, DossierView, EventInput, EventResultView, NotificationView
from platform_core.officials.schemas import NoticeInput, NoticeListView, NoticeView
from platform_core.registrations.schemas import (
    LinkInput,
    RegistrationListArgs,
    RegistrationListView,
    RegistrationView,
)
from platform_core.results.constants import MAX_MB as RESULT_MAX_MB
from platform_core.results.schemas import ResultFileInput, ResultUrlInput, ResultView

DESCRIPTION = f"""\
The REST API for a province's one-stop software. The API key decides the province: send it as
`Authorization: Bearer <key>`. Another province's dossier or notification answers 404.

- Instants are ISO 8601 **with an offset** (`2026-07-15T08:30:00+07:00`); they are returned in the province's
  time (UTC+07:00).
- `POST /dossiers` is idempotent on the dossier code: the same body again answers 200 with the stored dossier,
  a different body for the same code answers 409 naming each field that differs.
- `POST /dossiers/{{code}}/events` takes an optional `Idempotency-Key` header: the same key and body again
  answer 200 with the first event, the same key with another body 409. Without a key nothing is deduplicated.
- An event's `status` is a national code 1-10 or its name. `"status": "apology"` records an apology with a new
  appointment (`new_due_at`, `reason`): it is not a status change, the dossier keeps its status.
- `POST /notices` sends a notice to each official named (by their id in the province's document system or their
  e-mail) on their linked Zalo account, with an "Đã nhận" button. Secret documents never have their content
  sent; thượng khẩn and hỏa tốc notices are re-sent until acknowledged. They need a live key (a `test` key
  answers 403). The same `Idempotency-Key` header (or body `idempotency_key`, or `source_system` +
  `source_ref`) again answers 200 with the notices first created.
- `PUT /dossiers/{{code}}/result` attaches the electronic result (a PDF of at most
  {RESULT_MAX_MB} MB, the most Zalo takes for a file) to a dossier whose result is ready or
  handed over, as a multipart `file` or as a JSON `url` on one of the province's allowed hosts (a setting of the
  console; redirects are not followed, private addresses never fetched). The citizen receives it on Zalo as a
  file, or as a link valid for a short time that asks for the last 4 digits of the applicant's phone. Putting
  another file replaces it.
- `GET /registrations?status=new` lists the registrations citizens made on Zalo (the form the OA's bot links
  to), oldest first, with their answers. `POST /registrations/{{id}}/acknowledge` marks one taken;
  `POST /registrations/{{id}}/link` ties it to the dossier your software created from it (`POST /dossiers`
  first): the dossier's notices then go to the citizen's Zalo account, and the citizen is told its code.
  A registration carries the `appointment` (day, start, end) the citizen booked at the one-stop centre, if any;
  `POST /registrations/{{id}}/appointment/cancel` frees its place and tells the citizen.
- Instead of fetching, your software can receive each new registration: give a webhook address (https) in the
  console's Registrations page and keep the secret it shows once. Each registration is POSTed as JSON
  (`{{"event": "registration.created", "delivery_id": ..., "registration": <as GET returns it>}}`), retried with
  growing waits until it answers 2xx, with `X-Motcua-Timestamp` (Unix seconds), `X-Motcua-Delivery` (the same on
  retries) and `X-Motcua-Signature: sha256=<hex>`, the HMAC-SHA256 of `<timestamp>.<body>` with the secret:
  recompute it over the raw body, compare in constant time, refuse timestamps older than 5 minutes.
- Notifications made with a `test` key are marked `simulated` and never reach Zalo.
- Bodies are JSON objects of at most {MAX_BODY // 1024} KiB (a result's multipart upload excepted); unknown keys
  are refused.
"""

ERRORS_HELP = ("field -> list of messages; nested fields nest the same way (`{\"applicant\": {\"phone\": [...]}}`); "
               "`_request` concerns the request as a whole")


class ErrorBody(Schema):
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True,
                         metadata={"description": ERRORS_HELP})


class EventRefusedBody(ErrorBody):
    allowed = fields.List(fields.String(), metadata={
        "description": "when the dossier cannot take this status: the statuses it can go to from its current one",
    })


class ProcedureList(Schema):
    procedures = fields.List(fields.Nested(ProcedureSchema))
    count = fields.Integer()


ERRORS = {
    400: ("BadRequest", "The body is not a JSON object.", ErrorBody),
    401: ("Unauthorized", "No API key, or an invalid or revoked one.", ErrorBody),
    403: ("Forbidden", "The key may not do this (notices need a live key).", ErrorBody),
    404: ("NotFound", "Nothing with this id or code in the key's province.", ErrorBody),
    409: ("Conflict", "The dossier code was already used with a different body.", ErrorBody),
    413: ("TooLarge", f"The body is larger than {MAX_BODY // 1024} KiB (a result's upload: 5 MB).", ErrorBody),
    422: ("Invalid", "A field is missing, of the wrong type, unknown or refused; its messages say why.", ErrorBody),
}
EVENT_CONFLICT = ("EventRefused", "The dossier's status does not allow this event (`allowed` names what it "
                  "allows), or the Idempotency-Key was used for a different event.", EventRefusedBody)
RESULT_CONFLICT = ("ResultNotReady", "The dossier's result is not ready (result_ready) or handed over (returned) "
                   "yet.", ErrorBody)
RESULT_FORBIDDEN = ("SourceRefused", "The URL is not https, carries credentials, its host is not on the province's "
                    "list of result sources, or it resolves to a private or reserved address.", ErrorBody)
NO_APPOINTMENT = ("NoAppointment", "The registration has no appointment to cancel.", ErrorBody)
LINK_CONFLICT = ("RegistrationLinked", "The registration is already linked to another dossier.", ErrorBody)
NOTICE_CONFLICT = ("NoticeConflict", "The idempotency key (or source_system + source_ref) was already used for a "
                   "notice that says something else; each differing field is named.", ErrorBody)


def path_parameter(name: str, description: str) -> dict:
    return {"in": "path", "name": name, "required": True, "schema": {"type": "string"}, "description": description}


def idempotency_key_header(first: str) -> dict:
    return {
        "in": "header", "name": "Idempotency-Key", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": IDEMPOTENCY_KEY_LENGTH},
        "description": f"Repeating a request with the same key and body returns {first} instead of new ones.",
    }

DOSSIER_CODE = path_parameter("code", "the dossier code")
REGISTRATION_ID = path_parameter("registration_id", "the registration's id (a UUID)")


def operation(endpoint: str, summary: str, responses: dict, errors: tuple = (), body: type[Schema] | None = None,
              parameters: tuple = (), conflict=None, forbidden=None) -> dict:
    """One operation, its operationId the view's name: `responses` maps a success status to (description,
    schema), `errors` lists the error statuses it can answer (shared components; `conflict` and `forbidden` name
    the operation's own 409 and 403)."""
    own = {409: conflict, 403: forbidden}
    spec = {"operationId": endpoint, "summary": summary, "parameters": list(parameters), "responses": {}}
    for status, (description, schema) in responses.items():
        content = {"application/json": {"schema": schema}} if schema else {"application/json": {}}
        spec["responses"][str(status)] = {"description": description, "content": content}
    for status in errors:
        name = (own.get(status) or ERRORS[status])[0]
        spec["responses"][str(status)] = {"$ref": f"#/components/responses/{name}"}
    if body is not None:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return spec


def result_upload_schema() -> dict:
    """The multipart form: the PDF as `file`, and ResultFileInput's fields."""
    return {"type": "object", "required": ["file"], "additionalProperties": False, "properties": {
        "file": {"type": "string", "contentMediaType": "application/pdf",
                 "description": f"the PDF, at most {RESULT_MAX_MB} MB"},
        "file_name": {"type": ["string", "null"], "maxLength": 120, "pattern": r"\S",
                      "description": ResultFileInput().fields["file_name"].metadata["description"]},
    }}


def operations() -> dict:
    """Every /api/v1 operation (built afresh for each document: apispec rewrites schemas into references)."""
    return {
        "/api/v1/procedures": {"get": operation(
            "list_procedures", "The province's procedures (its catalogue)",
            {200: ("The procedures, by code", ProcedureList)}, errors=(401, 422),
            parameters=({"in": "query", "schema": ProcedureListArgsSchema},),
        )},
        "/api/v1/procedures/{code}": {"get": operation(
            "get_procedure", "One procedure of the catalogue", {200: ("The procedure", ProcedureSchema)},
            errors=(401, 404), parameters=(path_parameter("code", "the procedure code, e.g. 1.004222"),),
        )},
        "/api/v1/dossiers": {"post": operation(
            "create_dossier", "Register a dossier (its first event is `received`, or `submitted`)",
            {201: ("Created", DossierView), 200: ("Already created with this same body", DossierView)},
            errors=(400, 401, 409, 413, 422), body=DossierInput,
        )},
        "/api/v1/dossiers/{code}": {"get": operation(
            "get_dossier", "A dossier: status, overdue, history, notifications and their deliveries",
            {200: ("The dossier", DossierView)}, errors=(401, 404), parameters=(DOSSIER_CODE,),
        )},
        "/api/v1/dossiers/{code}/events": {"post": operation(
            "record_event", "Record what happened to a dossier (a status change or an apology)",
            {201: ("Recorded", EventResultView), 200: ("A repeated Idempotency-Key: the first event", EventResultView)},
            errors=(400, 401, 404, 409, 413, 422), body=EventInput,
            parameters=(DOSSIER_CODE, idempotency_key_header("the first event")),
            conflict=EVENT_CONFLICT,
        )},
        "/api/v1/dossiers/{code}/result": {
            "put": operation(
                "attach_result", "Attach the electronic result (PDF) and send it to the citizen on Zalo",
                {201: ("Attached; its message to the citizen is on its way", ResultView)},
                errors=(400, 401, 403, 404, 409, 413, 422), parameters=(DOSSIER_CODE,), conflict=RESULT_CONFLICT,
                forbidden=RESULT_FORBIDDEN,
            ) | {"requestBody": {"required": True, "content": {
                "multipart/form-data": {"schema": result_upload_schema()},
                "application/json": {"schema": ResultUrlInput},
            }}},
            "get": operation(
                "get_result", "The dossier's latest result: sent as a file or a link, seen, downloaded",
                {200: ("The result", ResultView)}, errors=(401, 404), parameters=(DOSSIER_CODE,),
            ),
        },
        "/api/v1/registrations": {"get": operation(
            "list_registrations", "Registrations citizens made on Zalo, oldest first",
            {200: ("The registrations", RegistrationListView)}, errors=(401, 422),
            parameters=({"in": "query", "schema": RegistrationListArgs},),
        )},
        "/api/v1/registrations/{registration_id}": {"get": operation(
            "get_registration", "One registration", {200: ("The registration", RegistrationView)},
            errors=(401, 404), parameters=(REGISTRATION_ID,),
        )},
        "/api/v1/registrations/{registration_id}/acknowledge": {"post": operation(
            "acknowledge_registration", "Mark a registration taken by your software (repeating it changes nothing)",
            {200: ("The registration", RegistrationView)}, errors=(401, 404), parameters=(REGISTRATION_ID,),
        )},
        "/api/v1/registrations/{registration_id}/link": {"post": operation(
            "link_registration", "Link a registration to the dossier created from it; its notices then reach the "
            "citizen on Zalo", {200: ("The registration, linked", RegistrationView)},
            errors=(400, 401, 404, 409, 413, 422), body=LinkInput, parameters=(REGISTRATION_ID,),
            conflict=LINK_CONFLICT,
        )},
        "/api/v1/registrations/{registration_id}/appointment/cancel": {"post": operation(
            "cancel_registration_appointment", "Cancel the registration's appointment: its place is freed and the "
            "citizen told on Zalo", {200: ("The registration, without its appointment", RegistrationView)},
            errors=(401, 404, 409), parameters=(REGISTRATION_ID,), conflict=NO_APPOINTMENT,
        )},
        "/api/v1/notifications/{notification_id}": {"get": operation(
            "get_notification", "A notification and the state of each delivery",
            {200: ("The notification", NotificationView)}, errors=(401, 404),
            parameters=(path_parameter("notification_id", "the notification's id (a UUID)"),),
        )},
        "/api/v1/notices": {"post": operation(
            "create_notice", "Send a notice to one or more officials on Zalo",
            {201: ("Created (one notice per official)", NoticeListView),
             200: ("Already created with this idempotency key", NoticeListView)},
            errors=(400, 401, 403, 409, 413, 422), body=NoticeInput, conflict=NOTICE_CONFLICT,
            parameters=(idempotency_key_header("the notices first created"),),
        )},
        "/api/v1/notices/{notice_id}": {"get": operation(
            "get_notice", "A notice: created, sent, read or acknowledged, and how many times it was sent",
            {200: ("The notice", NoticeView)}, errors=(401, 404),
            parameters=(path_parameter("notice_id", "the notice's id (a UUID)"),),
        )},
        "/api/v1/openapi.json": {"get": operation(
            "openapi_document", "This document (no API key needed)", {200: ("The OpenAPI 3.1 document", None)},
        ) | {"security": []}},
    }


@cache
def document() -> dict:
    spec = APISpec(
        title="Motcua API", version="1", openapi_version="3.1.0", plugins=[MarshmallowPlugin()],
        info={"description": DESCRIPTION}, security=[{"bearer": []}],
    )
    spec.components.security_scheme("bearer", {
        "type": "http", "scheme": "bearer", "description": "an API key of the province (`motcua_live_...`)",
    })
    for name, description, schema in (*ERRORS.values(), EVENT_CONFLICT, NOTICE_CONFLICT, RESULT_CONFLICT,
                                      RESULT_FORBIDDEN, LINK_CONFLICT, NO_APPOINTMENT):
        spec.components.response(name, {"description": description,
                                        "content": {"application/json": {"schema": schema}}})
    for path, by_method in operations().items():
        spec.path(path=path, operations=by_method)
    return spec.to_dict()


@api_v1.get("/openapi.json")
@public
def openapi_document():
    return jsonify(document())
