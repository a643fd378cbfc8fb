"""The OpenAPI document refuses what the server refuses (issue 12 item 14): each body below is both validated
against the document's JSON Schema (2020-12, as OpenAPI 3.1 says) and posted; a body the server answers 400 or
422 must be invalid in the document too, and one it takes must be valid. The document allowed blank names and
procedure codes, and `status: 1.0`, which the server refused."""

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from platform_core.extensions import db
from platform_core.registrations.models import Registration
from tests import factories
from tests.conftest import as_tenant
from tests.dossiers.support import CODE, bearer

DOCUMENT_URI = "urn:motcua:openapi"
BASE_EVENT = {"status": "processing", "occurred_at": "2026-07-16T09:00:00+07:00"}


@pytest.fixture
def validator_for(client):
    document = client.get("/api/v1/openapi.json").get_json()
    registry = Registry().with_resource(DOCUMENT_URI, DRAFT202012.create_resource(document))

    def validator(component: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/components/schemas/{component}"}, registry=registry)
    return validator


@pytest.fixture
def key_a(tenant_a):
    return bearer(tenant_a)


def dossier(**changes) -> dict:
    body = factories.dossier_body(CODE)
    for dotted, value in changes.items():
        node, *path = dotted.split("__")
        if path:
            body[node] = body[node] | {path[0]: value}
        else:
            body[node] = value
    return body


DOSSIER_CASES = [
    dossier(),
    dossier(procedure_code=""), dossier(procedure_code="   "), dossier(code=" "), dossier(external_id="  "),
    dossier(applicant__name=""), dossier(applicant__name=" \t "), dossier(applicant__name=" Lê Văn Tám "),
    dossier(status=1.0), dossier(status=2), dossier(status=1.5), dossier(status=3), dossier(status="received"),
    dossier(channel=2.0), dossier(channel=2.5), dossier(channel=4), dossier(channel="2"), dossier(status=True),
]
EVENT_CASES = [
    BASE_EVENT, BASE_EVENT | {"status": 4.0}, BASE_EVENT | {"status": 4.5}, BASE_EVENT | {"status": 11},
    BASE_EVENT | {"note": "   "}, BASE_EVENT | {"status": "refused", "reason": " "},
    BASE_EVENT | {"status": "supplement_required", "missing_documents": [" "]},
]


@pytest.mark.parametrize("body", DOSSIER_CASES, ids=lambda body: repr(body)[:60])
def test_a_dossier_body_is_refused_by_the_document_exactly_when_the_server_refuses_it(client, key_a, validator_for,
                                                                                       body):
    valid_in_document = validator_for("DossierInput").is_valid(body)
    response = client.post("/api/v1/dossiers", json=body, headers=key_a)
    assert response.status_code < 500
    refused_by_server = response.status_code in (400, 422)
    assert valid_in_document == (not refused_by_server), (response.status_code, response.get_json())


@pytest.mark.parametrize("body", EVENT_CASES, ids=lambda body: repr(body)[:60])
def test_an_event_body_is_refused_by_the_document_when_the_server_refuses_its_shape(client, key_a, validator_for,
                                                                                    body):
    assert client.post("/api/v1/dossiers", json=dossier(), headers=key_a).status_code == 201
    response = client.post(f"/api/v1/dossiers/{CODE}/events", json=body, headers=key_a)
    assert response.status_code < 500
    if response.status_code in (400, 422):
        assert not validator_for("EventInput").is_valid(body), response.get_json()
    else:
        assert validator_for("EventInput").is_valid(body), (response.status_code, response.get_json())


RESULT_URL = "https://ketqua.bn-test.gov.vn/ho-so/1.pdf"
RESULT_CASES = [
    {"url": RESULT_URL}, {"url": RESULT_URL, "file_name": "giay-phep"}, {"url": "https://x"},
    {"url": "http://ketqua.bn-test.gov.vn/1.pdf"}, {"url": ""}, {"url": "   "}, {"url": "https://x.gov.vn/a b.pdf"},
    {"url": RESULT_URL, "file_name": " "}, {"url": RESULT_URL, "extra": 1}, {"url": 5}, {},
]


@pytest.mark.parametrize("body", RESULT_CASES, ids=lambda body: repr(body)[:60])
def test_a_result_url_body_is_refused_by_the_document_exactly_when_the_server_refuses_its_shape(
        client, key_a, validator_for, body):
    """A well-formed URL off the province's list answers 403 (nothing is fetched): its shape was accepted."""
    assert client.post("/api/v1/dossiers", json=dossier(), headers=key_a).status_code == 201
    for status in ("processing", "result_ready"):
        assert client.post(f"/api/v1/dossiers/{CODE}/events", json=BASE_EVENT | {"status": status},
                           headers=key_a).status_code == 201
    response = client.put(f"/api/v1/dossiers/{CODE}/result", json=body, headers=key_a)
    assert response.status_code < 500
    refused_by_server = response.status_code in (400, 422)
    assert validator_for("ResultUrlInput").is_valid(body) == (not refused_by_server), \
        (response.status_code, response.get_json())
    assert response.status_code in (400, 403, 422)


LINK_CASES = [
    {"dossier_code": CODE}, {"dossier_code": ""}, {"dossier_code": "  "}, {"dossier_code": 5}, {},
    {"dossier_code": CODE, "extra": 1}, {"dossier_code": "x" * 81},
]


@pytest.mark.parametrize("body", LINK_CASES, ids=lambda body: repr(body)[:60])
def test_a_registration_link_body_is_refused_by_the_document_exactly_when_the_server_refuses_it(
        client, key_a, validator_for, tenant_a, body):
    assert client.post("/api/v1/dossiers", json=dossier(), headers=key_a).status_code == 201
    with as_tenant(tenant_a):
        registration = Registration(procedure_code="1.004222", procedure_name="Đăng ký thường trú",
                                    zalo_user_id="8001", token_digest="0" * 64)
        db.session.add(registration)
        db.session.commit()
        registration_id = str(registration.id)
    response = client.post(f"/api/v1/registrations/{registration_id}/link", json=body, headers=key_a)
    assert response.status_code < 500
    refused_by_server = response.status_code in (400, 422)
    assert validator_for("LinkInput").is_valid(body) == (not refused_by_server), \
        (response.status_code, response.get_json())
