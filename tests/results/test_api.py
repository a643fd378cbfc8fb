"""PUT /api/v1/dossiers/<code>/result: a PDF attached by upload (or by URL, test_fetch.py) to a dossier whose
result is ready is stored encrypted (0600, under the instance folder) and its message written to the outbox;
anything else is refused without writing, and another province's dossier answers 404."""

import stat

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.results import storage
from platform_core.results.constants import EVENT_KIND, MAX_BYTES
from tests.conftest import as_tenant
from tests.dossiers.support import bearer
from tests.results.support import CODE, PDF, ready_dossier, results_of, upload


@pytest.fixture
def key_a(tenant_a):
    return bearer(tenant_a)


def test_an_uploaded_pdf_is_stored_encrypted_and_its_message_is_written(client, tenant_a, key_a):
    ready_dossier(tenant_a)
    response = upload(client, key_a)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["file_name"], body["size"], body["source"], body["sent_as"], body["downloads"]) == \
        ("giay-chung-nhan.pdf", len(PDF), "upload", None, 0)
    [result] = results_of(tenant_a)
    path = storage.path_of(result.id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert PDF not in path.read_bytes() and b"%PDF" not in path.read_bytes()  # encrypted at rest
    assert storage.read(result.id) == PDF
    with as_tenant(tenant_a):
        notification = db.session.get(Notification, (tenant_a.id, result.notification_id))
        delivery = db.session.scalar(select(Delivery).where(Delivery.notification_id == notification.id))
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "result_attached"))
    assert notification.event_kind == EVENT_KIND and notification.context["code"] == CODE
    assert "content" not in notification.context  # the bytes are read at sending time, never stored there
    assert (delivery.recipient_zalo_user_id, delivery.recipient_phone) == ("8000077", "+84912345678")
    assert audit.details["sha256"] == result.sha256
    assert client.get(f"/api/v1/dossiers/{CODE}/result", headers=key_a).get_json()["sha256"] == result.sha256


def test_a_second_file_replaces_the_first_whose_file_is_removed(client, tenant_a, key_a):
    ready_dossier(tenant_a, status="returned")
    assert upload(client, key_a).status_code == 201
    assert upload(client, key_a, content=PDF + b"%v2", name="../../etc/ban moi.PDF").status_code == 201
    first, second = results_of(tenant_a)
    assert (first.removed_reason, second.removed_at) == ("replaced", None)
    assert not storage.path_of(first.id).exists() and storage.read(second.id).endswith(b"%v2")
    assert second.file_name == "ban-moi.pdf"


@pytest.mark.parametrize(("content", "words"), [(b"", "empty"), (b"GIF89a not a pdf", "not a PDF")],
                         ids=["empty", "not-pdf"])
def test_a_file_that_zalo_would_not_take_is_refused(client, tenant_a, key_a, content, words):
    ready_dossier(tenant_a)
    response = upload(client, key_a, content=content)
    assert response.status_code == 422 and words in response.get_json()["errors"]["file"][0]
    too_large = upload(client, key_a, content=b"%PDF-" + b"0" * MAX_BYTES)  # above Zalo's 5 MB for a file
    assert too_large.status_code == 422 and "larger than 5 MB" in too_large.get_json()["errors"]["file"][0]
    beyond = upload(client, key_a, content=b"%PDF-" + b"0" * 5 * 1024 * 1024)  # above any request's bound
    assert beyond.status_code == 413
    assert results_of(tenant_a) == []


def test_a_dossier_without_its_result_is_refused_and_a_form_without_file_too(client, tenant_a, key_a):
    ready_dossier(tenant_a, status="processing")
    response = upload(client, key_a)
    assert response.status_code == 409 and "result_ready" in response.get_json()["errors"]["status"][0]
    ready_dossier(tenant_a, code="H15-OTHER")
    missing = client.put("/api/v1/dossiers/H15-OTHER/result", headers=key_a, data={"file_name": "x"},
                         content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.get_json()["errors"]
    unknown = upload(client, key_a, code="H15-OTHER", extra="1")
    assert unknown.status_code == 422 and "extra" in unknown.get_json()["errors"]
    assert results_of(tenant_a) == []


def test_another_provinces_dossier_is_not_found(client, tenant_a, tenant_b, key_a):
    ready_dossier(tenant_b)
    assert upload(client, key_a).status_code == 404
    assert client.get(f"/api/v1/dossiers/{CODE}/result", headers=key_a).status_code == 404
    assert results_of(tenant_b) == []
    ready_dossier(tenant_a)
    assert client.get(f"/api/v1/dossiers/{CODE}/result", headers=key_a).status_code == 404  # none attached yet
