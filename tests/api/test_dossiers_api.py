"""POST /api/v1/dossiers, POST /api/v1/dossiers/<code>/events, GET /api/v1/dossiers/<code>.

Every refusal is a specific 4xx in the one error shape and writes nothing (row counts before and after).
"""

from datetime import UTC, datetime, timedelta

import pytest

from tests import factories
from tests.conftest import CANARY
from tests.dossiers.support import CODE, bearer, row_counts

URL = "/api/v1/dossiers"
EVENTS = f"{URL}/{CODE}/events"
RECEIVED_LABEL = {"code": 2, "name": "received", "label": "Đã tiếp nhận"}
SUPPLEMENT = {"status": "supplement_required", "occurred_at": "2026-07-16T09:00:00+07:00",
              "missing_documents": ["Bản sao CCCD"]}


@pytest.fixture
def key_a(tenant_a):
    return bearer(tenant_a)


@pytest.fixture
def key_b(tenant_b):
    return bearer(tenant_b)


@pytest.fixture
def dossier_a(client, key_a):
    """Tenant A's dossier CODE, received 15/07 08:30, due 24/07 17:00 (UTC+7)."""
    assert create(client, key_a).status_code == 201


def create(client, headers, code=CODE, **fields):
    return client.post(URL, json=factories.dossier_body(code, **fields), headers=headers)


def post_event(client, headers, body, code=CODE, key=None):
    extra = {"Idempotency-Key": key} if key is not None else {}
    return client.post(f"{URL}/{code}/events", json=body, headers=headers | extra)


def iso(moment: datetime) -> str:
    return moment.isoformat()


# --- creating -----------------------------------------------------------------------------------------------


def test_create_answers_201_with_the_dossier_and_where_it_lives(client, key_a):
    response = create(client, key_a)
    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/api/v1/dossiers/{CODE}")
    body = response.get_json()
    assert (body["code"], body["procedure_code"], body["channel"]) == (CODE, "1.004222", 2)
    assert body["status"] == RECEIVED_LABEL
    assert body["applicant"] == {"name": "Nguyễn Văn An", "phone": "+84912345678", "zalo_user_id": None}
    assert (body["received_at"], body["due_at"]) == ("2026-07-15T08:30:00+07:00", "2026-07-24T17:00:00+07:00")
    assert body["appointment_at"] == body["due_at"] and body["revised_due_at"] is None
    assert [(e["seq"], e["kind"], e["status"]) for e in body["events"]] == [(1, "received", RECEIVED_LABEL)]


def test_the_receipt_notification_is_shown_with_its_delivery(client, key_a):
    [notification] = create(client, key_a).get_json()["notifications"]
    assert (notification["event_kind"], notification["dossier_code"], notification["simulated"]) == (
        "received", CODE, False)
    [delivery] = notification["deliveries"]
    assert delivery["state"] == "pending"
    for field in ("channel", "channel_reason", "sent_at", "delivered_at", "seen_at", "error_code", "error_message"):
        assert delivery[field] is None


def test_instants_sent_in_any_offset_come_back_in_the_provinces(client, key_a):
    body = create(client, key_a, received_at="2026-07-15T01:30:00Z", due_at="2026-07-24T10:00:00+00:00").get_json()
    assert (body["received_at"], body["due_at"]) == ("2026-07-15T08:30:00+07:00", "2026-07-24T17:00:00+07:00")


def test_the_same_body_again_is_200_and_the_same_dossier(client, key_a, dossier_a, tenant_a):
    before = row_counts(tenant_a)
    response = create(client, key_a)
    assert response.status_code == 200
    assert response.get_json()["code"] == CODE
    assert row_counts(tenant_a) == before


def test_a_different_body_for_the_same_code_is_409_naming_each_difference(client, key_a, dossier_a, tenant_a):
    before = row_counts(tenant_a)
    response = create(client, key_a, due_at="2026-07-30T17:00:00+07:00",
                      applicant={"name": "Nguyễn Văn An", "phone": "0987654321"})
    assert response.status_code == 409
    errors = response.get_json()["errors"]
    assert set(errors) == {"due_at", "applicant"} and set(errors["applicant"]) == {"phone"}
    assert row_counts(tenant_a) == before


def test_a_test_key_marks_notifications_simulated(client, tenant_a):
    test_key = bearer(tenant_a, kind="test")
    assert create(client, test_key).get_json()["notifications"][0]["simulated"] is True
    body = post_event(client, test_key, SUPPLEMENT).get_json()
    assert [n["simulated"] for n in body["dossier"]["notifications"]] == [True, True]
    assert body["dossier"]["notifications"][1]["deliveries"][0]["simulated"] is True


# --- two provinces ------------------------------------------------------------------------------------------


def test_another_provinces_dossier_is_404_everywhere(client, key_a, key_b, tenant_b):
    assert create(client, key_b, "DNG-260715-0001", applicant={"name": CANARY, "phone": "0912345678"}).status_code \
        == 201
    before = row_counts(tenant_b)
    for response in (client.get(f"{URL}/DNG-260715-0001", headers=key_a),
                     post_event(client, key_a, SUPPLEMENT, code="DNG-260715-0001")):
        assert response.status_code == 404
        assert response.get_json()["errors"]["_request"]
        assert CANARY not in response.get_data(as_text=True)
    assert row_counts(tenant_b) == before


def test_the_same_code_lives_independently_in_two_provinces(client, key_a, key_b):
    assert create(client, key_a).status_code == 201
    assert create(client, key_b, due_at="2026-08-01T17:00:00+07:00").status_code == 201
    assert post_event(client, key_b, SUPPLEMENT).status_code == 201
    a = client.get(f"{URL}/{CODE}", headers=key_a).get_json()
    b = client.get(f"{URL}/{CODE}", headers=key_b).get_json()
    assert (a["due_at"], a["status"]["name"], len(a["events"])) == ("2026-07-24T17:00:00+07:00", "received", 1)
    assert (b["due_at"], b["status"]["name"], len(b["events"])) == ("2026-08-01T17:00:00+07:00",
                                                                     "supplement_required", 2)


# --- events -------------------------------------------------------------------------------------------------


def test_an_event_answers_201_with_the_event_and_the_dossier(client, key_a, dossier_a):
    response = post_event(client, key_a, SUPPLEMENT)
    assert response.status_code == 201
    body = response.get_json()
    assert body["event"]["seq"] == 2 and body["event"]["kind"] == "supplement_required"
    assert body["event"]["from_status"] == RECEIVED_LABEL
    assert body["event"]["missing_documents"] == ["Bản sao CCCD"]
    assert body["dossier"]["status"]["code"] == 5
    assert body["dossier"]["supplement_started_at"] == "2026-07-16T09:00:00+07:00"


def test_a_notifying_event_adds_exactly_one_notification_and_processing_none(client, key_a, dossier_a):
    post_event(client, key_a, SUPPLEMENT)
    processing = post_event(client, key_a, {"status": 4, "occurred_at": "2026-07-18T09:00:00+07:00"}).get_json()
    assert [n["event_kind"] for n in processing["dossier"]["notifications"]] == ["received", "supplement_required"]
    assert processing["dossier"]["supplement_paused_seconds"] == 2 * 86400


def test_the_status_may_be_a_code_or_a_name(client, key_a, dossier_a):
    assert post_event(client, key_a, {"status": "4", "occurred_at": "2026-07-15T09:00:00+07:00"}).status_code == 201
    body = post_event(client, key_a, {"status": 9, "occurred_at": "2026-07-20T09:00:00+07:00"}).get_json()
    assert body["dossier"]["status"]["name"] == "result_ready"
    assert body["dossier"]["completed_at"] == "2026-07-20T09:00:00+07:00"


def test_an_impossible_move_is_409_with_the_allowed_statuses(client, key_a, dossier_a, tenant_a):
    before = row_counts(tenant_a)
    response = post_event(client, key_a, {"status": "returned", "occurred_at": "2026-07-16T09:00:00+07:00"})
    assert response.status_code == 409
    assert response.get_json() == {
        "errors": {"status": ["cannot go from received to returned; allowed: processing, supplement_required, "
                              "withdrawal_requested, result_ready"]},
        "allowed": ["processing", "supplement_required", "withdrawal_requested", "result_ready"],
    }
    assert row_counts(tenant_a) == before


def test_an_apology_moves_the_appointment_and_keeps_the_status(client, key_a, dossier_a):
    response = post_event(client, key_a, {"status": "apology", "occurred_at": "2026-07-23T09:00:00+07:00",
                                          "new_due_at": "2026-07-31T10:00:00Z", "reason": "Chờ xác minh"})
    assert response.status_code == 201
    event, dossier = response.get_json()["event"], response.get_json()["dossier"]
    assert (event["kind"], event["status"], event["reason"]) == ("apology", None, "Chờ xác minh")
    assert dossier["status"] == RECEIVED_LABEL
    assert dossier["revised_due_at"] == dossier["appointment_at"] == "2026-07-31T17:00:00+07:00"
    assert dossier["notifications"][-1]["event_kind"] == "apology"


def test_a_repeated_idempotency_key_answers_200_with_the_first_event(client, key_a, dossier_a, tenant_a):
    first = post_event(client, key_a, SUPPLEMENT, key="evt-42")
    before = row_counts(tenant_a)
    again = post_event(client, key_a, SUPPLEMENT, key="evt-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["event"] == first.get_json()["event"]
    assert row_counts(tenant_a) == before


def test_the_same_idempotency_key_with_another_body_is_409(client, key_a, dossier_a, tenant_a):
    post_event(client, key_a, SUPPLEMENT, key="evt-42")
    before = row_counts(tenant_a)
    response = post_event(client, key_a, SUPPLEMENT | {"note": "changed"}, key="evt-42")
    assert response.status_code == 409
    assert response.get_json() == {"errors": {"Idempotency-Key": ["already used for a different event"]}}
    assert row_counts(tenant_a) == before


def test_without_an_idempotency_key_nothing_is_deduplicated(client, key_a, dossier_a):
    post_event(client, key_a, SUPPLEMENT)
    second = post_event(client, key_a, SUPPLEMENT)
    assert second.status_code == 201 and second.get_json()["event"]["seq"] == 3


# --- reading ------------------------------------------------------------------------------------------------


def test_get_shows_the_status_history_and_notifications(client, key_a, dossier_a):
    post_event(client, key_a, SUPPLEMENT)
    response = client.get(f"{URL}/{CODE}", headers=key_a)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == {"code": 5, "name": "supplement_required", "label": "Yêu cầu bổ sung"}
    assert [e["kind"] for e in body["events"]] == ["received", "supplement_required"]
    assert [n["event_kind"] for n in body["notifications"]] == ["received", "supplement_required"]


def test_overdue_is_net_of_the_supplement_wait(client, key_a):
    now = datetime.now(UTC).replace(microsecond=0)
    create(client, key_a, received_at=iso(now - timedelta(days=10)), due_at=iso(now - timedelta(days=1)))
    assert client.get(f"{URL}/{CODE}", headers=key_a).get_json()["overdue"] is True
    post_event(client, key_a, SUPPLEMENT | {"occurred_at": iso(now - timedelta(days=5))})
    assert client.get(f"{URL}/{CODE}", headers=key_a).get_json()["overdue"] is False


def test_not_overdue_before_the_appointment(client, key_a):
    now = datetime.now(UTC).replace(microsecond=0)
    body = create(client, key_a, received_at=iso(now - timedelta(days=1)), due_at=iso(now + timedelta(days=5)))
    assert body.get_json()["overdue"] is False


def test_an_unknown_code_is_a_json_404(client, key_a):
    response = client.get(f"{URL}/H15-000000-0000", headers=key_a)
    assert response.status_code == 404
    assert response.get_json() == {"errors": {"_request": ["no dossier H15-000000-0000 in this province"]}}


@pytest.mark.parametrize(("method", "path"), [("post", URL), ("post", EVENTS), ("get", f"{URL}/{CODE}")])
def test_no_key_is_401(client, method, path):
    response = getattr(client, method)(path, json={})
    assert response.status_code == 401
    assert response.get_json()["errors"]["authorization"]


# --- refusals: a specific 4xx, the field named, nothing written ---------------------------------------------

NAIVE = "must be an ISO 8601 date-time with an offset, e.g. 2026-07-15T08:30:00+07:00"
APPLICANT = factories.DOSSIER_DEFAULTS["applicant"]


def without(field):
    return lambda body: {key: value for key, value in body.items() if key != field}


def changed(**fields):
    return lambda body: body | fields


BAD_CREATIONS = {
    "missing code": (without("code"), ["code"]),
    "missing procedure": (without("procedure_code"), ["procedure_code"]),
    "missing applicant": (without("applicant"), ["applicant"]),
    "missing phone": (changed(applicant={"name": "An"}), ["applicant", "phone"]),
    "missing received_at": (without("received_at"), ["received_at"]),
    "missing due_at": (without("due_at"), ["due_at"]),
    "code not a string": (changed(code=12345), ["code"]),
    "code with a slash": (changed(code="H15/260715/0001"), ["code"]),
    "code too long": (changed(code="H" * 81), ["code"]),
    "blank name": (changed(applicant=APPLICANT | {"name": "   "}), ["applicant", "name"]),
    "phone not a string": (changed(applicant=APPLICANT | {"phone": 912345678}), ["applicant", "phone"]),
    "invalid phone": (changed(applicant=APPLICANT | {"phone": "0912-abc"}), ["applicant", "phone"]),
    "landline": (changed(applicant=APPLICANT | {"phone": "02438251234"}), ["applicant", "phone"]),
    "applicant not an object": (changed(applicant="Nguyễn Văn An"), ["applicant"]),
    "unknown key": (changed(colour="red"), ["colour"]),
    "unknown applicant key": (changed(applicant=APPLICANT | {"email": "a@example.vn"}), ["applicant", "email"]),
    "channel as a string": (changed(channel="2"), ["channel"]),
    "channel out of range": (changed(channel=4), ["channel"]),
    "channel as a boolean": (changed(channel=True), ["channel"]),
    "naive received_at": (changed(received_at="2026-07-15T08:30:00"), ["received_at"]),
    "date without time": (changed(due_at="2026-07-24"), ["due_at"]),
    "date as a number": (changed(due_at=1784900000), ["due_at"]),
    "due before received": (changed(due_at="2026-07-14T08:30:00+07:00"), ["due_at"]),
    "unknown procedure": (changed(procedure_code="1.999999"), ["procedure_code"]),
    "another province's procedure": (changed(procedure_code="9.999999"), ["procedure_code"]),
    "later status": (changed(status="processing"), ["status"]),
    "no such status": (changed(status="lost"), ["status"]),
}


def messages_at(errors: dict, path: list[str]) -> list[str]:
    for part in path:
        errors = errors[part]
    return errors


@pytest.mark.parametrize(("edit", "path"), BAD_CREATIONS.values(), ids=BAD_CREATIONS.keys())
def test_bad_creations_are_422_naming_the_field_and_write_nothing(client, key_a, tenant_a, edit, path):
    before = row_counts(tenant_a)
    response = client.post(URL, json=edit(factories.dossier_body()), headers=key_a)
    assert response.status_code == 422
    assert messages_at(response.get_json()["errors"], path)
    assert row_counts(tenant_a) == before


def test_a_naive_instant_is_refused_with_the_reason(client, key_a):
    response = client.post(URL, json=factories.dossier_body(received_at="2026-07-15T08:30:00"), headers=key_a)
    assert response.get_json()["errors"] == {"received_at": [NAIVE]}


BAD_EVENTS = {
    "missing status": ({"occurred_at": "2026-07-16T09:00:00+07:00"}, ["status"]),
    "missing occurred_at": ({"status": "processing"}, ["occurred_at"]),
    "no such status": ({"status": "closed", "occurred_at": "2026-07-16T09:00:00+07:00"}, ["status"]),
    "status out of range": ({"status": 11, "occurred_at": "2026-07-16T09:00:00+07:00"}, ["status"]),
    "status as a boolean": ({"status": True, "occurred_at": "2026-07-16T09:00:00+07:00"}, ["status"]),
    "naive occurred_at": ({"status": 4, "occurred_at": "2026-07-16T09:00:00"}, ["occurred_at"]),
    "before the previous event": ({"status": 4, "occurred_at": "2026-07-15T08:00:00+07:00"}, ["occurred_at"]),
    "documents not a list": (SUPPLEMENT | {"missing_documents": "CCCD"}, ["missing_documents"]),
    "no documents": (SUPPLEMENT | {"missing_documents": []}, ["missing_documents"]),
    "a blank document": (SUPPLEMENT | {"missing_documents": [" "]}, ["missing_documents", "0"]),
    "documents on processing": ({"status": 4, "occurred_at": "2026-07-16T09:00:00+07:00",
                                 "missing_documents": ["CCCD"]}, ["missing_documents"]),
    "apology without reason": ({"status": "apology", "occurred_at": "2026-07-16T09:00:00+07:00",
                                "new_due_at": "2026-07-31T17:00:00+07:00"}, ["reason"]),
    "apology not later": ({"status": "apology", "occurred_at": "2026-07-16T09:00:00+07:00", "reason": "x",
                           "new_due_at": "2026-07-20T17:00:00+07:00"}, ["new_due_at"]),
    "naive new_due_at": ({"status": "apology", "occurred_at": "2026-07-16T09:00:00+07:00", "reason": "x",
                          "new_due_at": "2026-07-31T17:00:00"}, ["new_due_at"]),
    "note too long": ({"status": 4, "occurred_at": "2026-07-16T09:00:00+07:00", "note": "x" * 2001}, ["note"]),
    "unknown key": (SUPPLEMENT | {"documents": ["CCCD"]}, ["documents"]),
}


@pytest.mark.parametrize(("body", "path"), BAD_EVENTS.values(), ids=BAD_EVENTS.keys())
def test_bad_events_are_422_naming_the_field_and_write_nothing(client, key_a, dossier_a, tenant_a, body, path):
    before = row_counts(tenant_a)
    response = post_event(client, key_a, body)
    assert response.status_code == 422
    assert messages_at(response.get_json()["errors"], path)
    assert row_counts(tenant_a) == before


@pytest.mark.parametrize("key", ["", "   ", "k" * 121])
def test_a_bad_idempotency_key_is_422(client, key_a, dossier_a, tenant_a, key):
    before = row_counts(tenant_a)
    response = post_event(client, key_a, SUPPLEMENT, key=key)
    assert response.status_code == 422
    assert response.get_json()["errors"]["Idempotency-Key"]
    assert row_counts(tenant_a) == before


NOT_OBJECTS = {"array": "[1, 2]", "string": '"dossier"', "number": "42", "null": "null", "invalid JSON": "{code:",
               "empty": ""}


@pytest.mark.parametrize("path", [URL, EVENTS])
@pytest.mark.parametrize("raw", NOT_OBJECTS.values(), ids=NOT_OBJECTS.keys())
def test_a_body_that_is_not_a_json_object_is_400(client, key_a, dossier_a, tenant_a, path, raw):
    before = row_counts(tenant_a)
    response = client.post(path, data=raw, content_type="application/json", headers=key_a)
    assert response.status_code == 400
    assert response.get_json() == {"errors": {"_request": ["the body must be a JSON object"]}}
    assert row_counts(tenant_a) == before


@pytest.mark.parametrize("path", [URL, EVENTS])
def test_a_huge_body_is_413_json(client, key_a, dossier_a, tenant_a, path):
    before = row_counts(tenant_a)
    huge = SUPPLEMENT | {"missing_documents": ["x" * 1000] * 70}
    response = client.post(path, json=huge, headers=key_a)
    assert response.status_code == 413
    assert response.get_json() == {"errors": {"_request": ["the body must not be larger than 64 KiB"]}}
    assert row_counts(tenant_a) == before
