"""POST /api/v1/dossiers, POST /api/v1/dossiers/<code>/events, GET /api/v1/dossiers/<code>.

Each view validates (dossiers/schemas.py), begins its transaction taking SQLite's write lock as soon as it is
free (db/sqlite.py: the province system waits on the answer, the background writers can wait), calls the
service, and answers from the objects the request just wrote, never reading them back: a new dossier's answer
is made after the commit from the objects kept loaded across it (the lock is not held meanwhile), an event's
before the commit expires them.
A refused request writes nothing: the service raises before writing or inside a savepoint, and every error
handler here rolls the session back before answering.
"""

from flask import g, jsonify, request, url_for
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from platform_core.api.blueprint import api_v1
from platform_core.apikeys.models import KIND_TEST
from platform_core.db.session import objects_kept_across_commits
from platform_core.db.sqlite import begin_promptly
from platform_core.dossiers import service
from platform_core.dossiers.errors import Conflict, DossierNotFound, TransitionRefused
from platform_core.dossiers.schemas import DossierInput, DossierView, EventInput, EventResultView
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.web.hooks import json_error
from platform_core.web.input_guard import first_nul

MAX_BODY = 64 * 1024  # a dossier or an event is a few hundred bytes; a list of 50 documents stays far below
IDEMPOTENCY_KEY_LENGTH = 120  # DossierEvent.idempotency_key

# Built once, not per request: a schema builds its nested schemas on first use (nine for a dossier's answer),
# which cost as much as the rest of serialising it. Loading and dumping keep no state on the instance.
DOSSIER_INPUT, EVENT_INPUT = DossierInput(), EventInput()
DOSSIER_VIEW, EVENT_RESULT_VIEW = DossierView(), EventResultView()


@api_v1.post("/dossiers")
def create_dossier():
    data = DOSSIER_INPUT.load(json_object())
    begin_promptly(db.session)
    with objects_kept_across_commits(db.session()):
        dossier, created = service.create_dossier(data, simulated=simulated())
        response = jsonify(_committed_answer(dossier, created))
    response.headers["Location"] = url_for("api_v1.get_dossier", code=dossier.code)
    return response, 201 if created else 200


def _committed_answer(dossier, created: bool) -> dict:
    """Commit, and make the answer. A new dossier's is made after the commit, from what the request wrote (kept
    loaded across it): SQLite's write lock, which every other writer waits for, is not held while
    the answer is built. A repeat's is made before, in the transaction that read it: its events and notices are
    read as the answer shows them."""
    if not created:
        answer = DOSSIER_VIEW.dump(dossier)
        db.session.commit()
        return answer
    db.session.commit()
    return DOSSIER_VIEW.dump(dossier)


@api_v1.post("/dossiers/<code>/events")
def record_event(code: str):
    data = EVENT_INPUT.load(json_object())
    begin_promptly(db.session)
    event, created = service.record_event(code, data, idempotency_key=idempotency_key(), simulated=simulated())
    db.session.flush()
    response = jsonify(EVENT_RESULT_VIEW.dump({"event": event, "dossier": event.dossier}))
    db.session.commit()
    return response, 201 if created else 200


@api_v1.get("/dossiers/<code>")
def get_dossier(code: str):
    return jsonify(DOSSIER_VIEW.dump(service.get_dossier(code)))


# --- request parts ------------------------------------------------------------------------------------------


def json_object() -> dict:
    """The body as a dict: 413 beyond MAX_BODY, 400 unless it is a JSON object."""
    request.max_content_length = MAX_BODY
    try:
        body = request.get_json(force=True, silent=True)
    except RequestEntityTooLarge:
        raise RequestEntityTooLarge(f"the body must not be larger than {MAX_BODY // 1024} KiB") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    field = first_nul(body)
    if field:
        raise FieldError(field, "must not contain NUL characters")
    return body


def idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key.strip() or len(key) > IDEMPOTENCY_KEY_LENGTH:
        raise FieldError("Idempotency-Key", f"give 1 to {IDEMPOTENCY_KEY_LENGTH} characters")
    return key.strip()


def simulated() -> bool:
    """Requests made with a `test` key produce notifications that never reach Zalo."""
    return g.api_key.kind == KIND_TEST


# --- refusals -----------------------------------------------------------------------------------------------


@api_v1.errorhandler(FieldError)
def _field_error(error: FieldError):
    db.session.rollback()
    return json_error(nested({error.field: [error.message]})), 422


@api_v1.errorhandler(Conflict)
def _conflict(error: Conflict):
    db.session.rollback()
    return json_error(nested(error.errors)), 409


@api_v1.errorhandler(TransitionRefused)
def _transition_refused(error: TransitionRefused):
    db.session.rollback()
    return jsonify(errors={"status": [error.message]}, allowed=error.allowed), 409


@api_v1.errorhandler(DossierNotFound)
def _not_found(error: DossierNotFound):
    db.session.rollback()
    return json_error({"_request": [str(error)]}), 404


def nested(errors: dict) -> dict:
    """{"applicant.phone": [...]} -> {"applicant": {"phone": [...]}}: the shape marshmallow gives nested fields,
    so a client reads every 422 the same way."""
    result: dict = {}
    for dotted, messages in errors.items():
        *parents, leaf = dotted.split(".")
        node = result
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = messages
    return result
