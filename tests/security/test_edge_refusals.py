"""What the edge refuses (issue 12 items 3 and 4): NUL characters anywhere a request carries text, and JSON nested
too deeply to parse, are a 400 (422 for a JSON field of the API, 401 for an unsigned webhook) naming the field,
never a 500; and a database error's log line carries no bound value.

On PostgreSQL a NUL reached the driver and was a 500 (text cannot hold U+0000); on SQLite it was stored. Deep
JSON raised RecursionError on both."""

import logging

import pytest
from sqlalchemy import text

from platform_core import create_app
from platform_core.extensions import db
from tests import factories
from tests.auth.support import sign_in
from tests.clients import isolated_client
from tests.dossiers.support import CODE, bearer, row_counts
from tests.zalo.conftest import connect, now_ms, signed, user_text

DEEP_JSON = "[" * 20_000 + "]" * 20_000
NUL_MESSAGE = "must not contain NUL characters"


@pytest.fixture
def key_a(tenant_a):
    return bearer(tenant_a)


@pytest.fixture
def officer_a(app, tenant_a):
    factories.create_user("edge-officer@bac-ninh.vn", tenant=tenant_a, role="officer")
    client = isolated_client(app)
    assert sign_in(client, "edge-officer@bac-ninh.vn").status_code == 302
    client.get("/?lang=en")
    return client


def refused_page(response, field: str) -> None:
    assert response.status_code == 400, response.status
    assert f"“{field}”" in response.get_data(as_text=True)


# --- NUL, signed out ----------------------------------------------------------------------------------------

def test_a_nul_in_the_sign_in_email_is_a_400_naming_the_field(client):
    refused_page(client.post("/login?lang=en", data={"email": "a\x00@x.vn", "password": "x"}), "email")


def test_a_nul_in_a_province_slug_is_a_400_before_the_province_is_looked_up(client):
    refused_page(client.get("/bac%00ninh/?lang=en"), "tenant_slug")
    refused_page(client.get("/bac%00ninh/phan-anh/?lang=en"), "tenant_slug")


def test_a_nul_in_the_webhook_slug_is_a_400_in_json(client):
    response = client.post("/zalo/webhook/bac%00ninh", data=b"{}", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"errors": {"tenant_slug": [NUL_MESSAGE]}}


def test_a_nul_in_the_public_feedback_form_is_a_400_and_nothing_is_stored(client, tenant_a):
    response = client.post("/bac-ninh/phan-anh/?lang=en", data={
        "name": "Nguyễn\x00Văn An", "phone": "0912345678", "content": "Thủ tục chậm"})
    refused_page(response, "name")


def test_a_nul_in_a_field_name_or_an_uploaded_file_name_is_refused_too(client):
    refused_page(client.post("/login?lang=en", data={"em\x00ail": "a@x.vn"}), "em\\0ail")


# --- NUL in the API -----------------------------------------------------------------------------------------

def test_a_nul_in_an_api_query_string_or_path_part_is_a_400(client, key_a):
    response = client.get("/api/v1/procedures?q=khai%00sinh", headers=key_a)
    assert (response.status_code, response.get_json()) == (400, {"errors": {"q": [NUL_MESSAGE]}})
    response = client.get("/api/v1/dossiers/H15%00X", headers=key_a)
    assert (response.status_code, response.get_json()) == (400, {"errors": {"code": [NUL_MESSAGE]}})


def test_a_nul_in_a_header_is_a_400(client, key_a):
    response = client.post("/api/v1/dossiers", json=factories.dossier_body(CODE),
                           headers=key_a | {"Idempotency-Key": "k\x00"})
    assert (response.status_code, response.get_json()) == (400, {"errors": {"header Idempotency-Key": [NUL_MESSAGE]}})


def test_a_nul_in_a_json_string_is_a_422_naming_the_nested_field_and_writes_nothing(client, key_a, tenant_a):
    before = row_counts(tenant_a)
    body = factories.dossier_body(CODE, applicant={"name": "Nguyễn\x00Văn An", "phone": "0912345678"})
    response = client.post("/api/v1/dossiers", json=body, headers=key_a)
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"applicant": {"name": [NUL_MESSAGE]}}}
    assert row_counts(tenant_a) == before


def test_a_nul_in_a_json_list_item_is_named_by_its_index(client, key_a):
    body = {"status": "supplement_required", "occurred_at": "2026-07-16T09:00:00+07:00",
            "missing_documents": ["Bản sao CCCD", "Sổ\x00hộ khẩu"]}
    response = client.post(f"/api/v1/dossiers/{CODE}/events", json=body, headers=key_a)
    assert response.status_code == 422
    assert response.get_json() == {"errors": {"missing_documents": {"1": [NUL_MESSAGE]}}}


# --- NUL in the consoles' searches --------------------------------------------------------------------------

def test_a_nul_in_a_console_search_is_a_400(officer_a):
    refused_page(officer_a.get("/bac-ninh/admin/dossiers?q=H15%00&lang=en"), "q")
    refused_page(officer_a.get("/bac-ninh/admin/deliveries/?q=%0009&lang=en"), "q")


# --- deeply nested JSON -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/dossiers", f"/api/v1/dossiers/{CODE}/events", "/api/v1/notices"])
def test_deeply_nested_json_to_the_api_is_a_400(client, key_a, path):
    response = client.post(path, data=DEEP_JSON, content_type="application/json", headers=key_a)
    assert response.status_code == 400
    assert response.get_json() == {"errors": {"_request": ["the body must be a JSON object"]}}


@pytest.mark.parametrize("signature", [None, "mac=0123", "garbage"])
def test_deeply_nested_json_to_an_unsigned_webhook_is_a_401(client, tenant_a, signature):
    connect(tenant_a)
    headers = {"X-ZEvent-Signature": signature} if signature else {}
    response = client.post("/zalo/webhook/bac-ninh", data=DEEP_JSON, content_type="application/json",
                           headers=headers)
    assert response.status_code == 401
    assert "signature" in response.get_json()["errors"]


def test_a_signed_webhook_still_goes_through(client, tenant_a):
    connect(tenant_a)
    raw, headers = signed(user_text(timestamp=now_ms()))
    response = client.post("/zalo/webhook/bac-ninh", data=raw, headers=headers)
    assert response.status_code == 200, response.get_json()


# --- database errors do not log their bound values ----------------------------------------------------------

def test_a_database_error_logs_no_bound_value(app_config, caplog):
    """The 500 handler logs the exception; with the engine's hide_parameters its text names no value."""
    secret = "0912345678 Nguyễn Văn Bí Mật"
    logging_app = create_app(app_config)

    @logging_app.get("/fails-in-the-database")
    def _fails():
        db.session.execute(text("select :value from no_such_table"), {"value": secret})

    with logging_app.app_context(), caplog.at_level(logging.ERROR):
        response = isolated_client(logging_app).get("/fails-in-the-database")
        db.engine.dispose()
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() + "\n" + logging.Formatter().formatException(record.exc_info)
                       for record in caplog.records if record.exc_info)
    assert "no_such_table" in logged  # the error was logged, statement and all
    assert "parameters hidden" in logged
    assert secret not in logged


# --- what the bad-input sweep (test_bad_input.py) found -------------------------------------------------------

@pytest.mark.parametrize("body", [[1, "a"], "x", {"email": ["a", {"x": None}]}, {"email": 1.5}])
def test_a_json_body_to_a_form_that_is_not_an_object_of_text_is_a_400(client, tenant_a, body):
    """Flask-WTF reads a JSON body as form data: a list raised in werkzeug, a number in the form's validators."""
    assert client.post("/login", json=body).status_code == 400
    assert client.post("/bac-ninh/phan-anh/", json=body).status_code == 400


def test_a_nul_in_a_json_body_to_a_form_is_a_400_naming_the_field(client):
    refused_page(client.post("/login?lang=en", json={"email": "a\x00@x.vn", "password": "x"}), "email")


def test_a_job_id_rq_would_refuse_is_no_failed_job(app):
    operator = factories.create_user("edge-ops@motcua.vn", operator=True)
    client = isolated_client(app)
    assert sign_in(client, operator.email).status_code == 302
    response = client.post("/operator/queues/default/jobs/%C4%91%C3%A2y/retry")
    assert response.status_code == 302  # back to the queues page, which says it is no longer there
