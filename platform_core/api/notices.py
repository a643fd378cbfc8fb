"""POST /api/v1/notices (a notice to one or more officials), GET /api/v1/notices/<id> (its status).

The province's document or one-stop system names the officials by their id there (`external_ref`) or by
e-mail. A `test` key is refused (403): its messages must never reach Zalo, and a notice's only purpose is to
reach a real official. The request is idempotent on the `Idempotency-Key` header, as dossier events are, or
on the body's `idempotency_key` (or source_system + source_ref). A refused request writes nothing: the
service raises before committing and the blueprint's error handlers roll the session back (api/dossiers.py).
"""

from flask import abort, jsonify

from platform_core.api.blueprint import api_v1
from platform_core.api.dossiers import idempotency_key, json_object, simulated
from platform_core.extensions import db
from platform_core.officials import service
from platform_core.officials.schemas import NoticeInput, NoticeListView, NoticeView
from platform_core.web.hooks import json_error

# A test key's messages never reach Zalo, but a notice is for a real official on their own Zalo account.
TEST_KEY_REFUSED = "notices reach real officials on Zalo: send them with a live key"


@api_v1.post("/notices")
def create_notice():
    if simulated():
        return json_error({"authorization": [TEST_KEY_REFUSED]}), 403
    data = NoticeInput().load(json_object())
    data["idempotency_key"] = data.get("idempotency_key") or idempotency_key()
    notices, created = service.create_notices(data)
    db.session.commit()
    return jsonify(NoticeListView().dump({"notices": notices})), 201 if created else 200


@api_v1.get("/notices/<notice_id>")
def get_notice(notice_id: str):
    notice = service.get_notice(notice_id)
    if notice is None:
        abort(404, description=f"no notice {notice_id} in this province")
    return jsonify(NoticeView().dump(notice))
