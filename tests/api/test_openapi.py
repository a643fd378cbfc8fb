"""GET /api/v1/openapi.json: public, OpenAPI 3.1, and in step with the blueprint's routes."""

import re

import pytest

from platform_core.api import openapi

URL = "/api/v1/openapi.json"
IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def document(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response.get_json()


def api_routes(app) -> dict:
    """{(OpenAPI path, method): endpoint} for every route of the api_v1 blueprint."""
    routes = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_v1."):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            for method in rule.methods - IGNORED_METHODS:
                routes[(path, method.lower())] = rule.endpoint.removeprefix("api_v1.")
    return routes


def operations(document) -> dict:
    return {(path, method): spec for path, item in document["paths"].items() for method, spec in item.items()}


def test_needs_no_key_even_when_a_bad_one_is_sent(client):
    assert client.get(URL).status_code == 200
    assert client.get(URL, headers={"Authorization": "Bearer nonsense"}).status_code == 200


def test_is_openapi_3_1_with_bearer_auth(document):
    assert document["openapi"] == "3.1.0"
    assert document["info"]["title"] and document["info"]["version"]
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearer": []}]


def test_every_route_of_the_blueprint_is_described_under_its_view_name(app, document):
    described = {key: spec["operationId"] for key, spec in operations(document).items()}
    assert described == api_routes(app)


# actions without a body: no 400, 409, 413 or 422 to answer for a body
BODILESS = {"acknowledge_registration", "cancel_registration_appointment"}


def test_every_operation_has_a_success_response_and_the_errors_it_can_answer(document):
    for (path, method), spec in operations(document).items():
        statuses = set(spec["responses"])
        assert any(status.startswith("2") for status in statuses), (path, method)
        if spec.get("security") != []:
            assert "401" in statuses, (path, method)
        if method == "post" and spec["operationId"] not in BODILESS:
            assert {"400", "409", "413", "422"} <= statuses, (path, method)
            assert spec["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        if "{" in path:
            assert "404" in statuses, (path, method)


def test_only_the_document_itself_is_public(document):
    public = [key for key, spec in operations(document).items() if spec.get("security") == []]
    assert public == [(URL, "get")]


def test_every_reference_resolves(document):
    text = str(document)
    for ref in set(re.findall(r"#/components/(\w+)/(\w+)", text)):
        kind, name = ref
        assert name in document["components"][kind], ref


def test_request_schemas_follow_the_marshmallow_ones(document):
    schemas = document["components"]["schemas"]
    dossier = schemas["DossierInput"]
    assert set(dossier["required"]) == {"code", "procedure_code", "applicant", "received_at", "due_at"}
    assert dossier["additionalProperties"] is False  # unknown keys are refused
    assert dossier["properties"]["received_at"]["format"] == "date-time"
    assert schemas["ApplicantInput"]["required"] == ["name", "phone"]
    assert "apology" in schemas["EventInput"]["properties"]["status"]["oneOf"][1]["enum"]
    assert schemas["EventRefusedBody"]["properties"]["allowed"]["type"] == "array"


def test_response_schemas_describe_derived_fields_with_types(document):
    view = document["components"]["schemas"]["DossierView"]["properties"]
    assert view["overdue"]["type"] == "boolean"
    assert view["notifications"]["items"]["$ref"].endswith("/NotificationView")
    assert view["status"]["anyOf"][0]["$ref"].endswith("/StatusView")


def test_the_idempotency_key_header_is_documented(document):
    parameters = document["paths"]["/api/v1/dossiers/{code}/events"]["post"]["parameters"]
    assert {"in": "header", "name": "Idempotency-Key"}.items() <= parameters[1].items()
    [header] = document["paths"]["/api/v1/notices"]["post"]["parameters"]
    assert header["name"] == "Idempotency-Key" and "notices first created" in header["description"]


def test_building_twice_gives_the_same_document():
    openapi.document.cache_clear()
    first = openapi.document()
    openapi.document.cache_clear()
    assert openapi.document() == first
