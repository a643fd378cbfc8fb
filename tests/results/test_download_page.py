"""The download page behind the signed link (`/<province>/ket-qua/<token>`): it asks for the last 4 digits of
the applicant's phone; wrong digits are refused (403) and limited, right ones download the PDF; both are audited.
A link of another province, or one not ours, answers 404; an expired link or a removed file 410."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.results import links, service
from platform_core.results.constants import LINK_HOURS
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.results.support import CODE, PDF, ready_dossier, results_of


@pytest.fixture
def result_a(tenant_a):
    ready_dossier(tenant_a)
    with as_tenant(tenant_a):
        result = service.attach(CODE, PDF, "giay-phep.pdf")
        db.session.flush()
        return result


def link(tenant, result, slug="bac-ninh", issued_at=None) -> str:
    return f"/{slug}/ket-qua/{links.make_token(tenant.id, result.id, issued_at)}"


def audit_actions(tenant) -> list[str]:
    with as_tenant(tenant):
        return [event.action for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.created_at))]


def test_the_page_asks_for_the_last_digits_in_vietnamese(client, tenant_a, result_a):
    response = client.get(link(tenant_a, result_a))
    html = text_of(response)
    assert response.status_code == 200 and 'lang="vi"' in html and CODE in html and "giay-phep.pdf" in html
    assert "4 số cuối" in html and "Nguyễn Văn An" not in html  # the link may be forwarded: no name shown


def test_wrong_digits_are_refused_and_audited_right_ones_download_the_pdf(client, tenant_a, result_a):
    url = link(tenant_a, result_a)
    refused = client.post(url, data={"digits": "1234"})
    assert refused.status_code == 403 and "không phải 4 số cuối" in text_of(refused)
    assert results_of(tenant_a)[0].downloads == 0
    malformed = client.post(url, data={"digits": "12a"})
    assert malformed.status_code == 422
    response = client.post(url, data={"digits": " 5678 "})
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="giay-phep.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    [result] = results_of(tenant_a)
    assert result.downloads == 1 and result.first_downloaded_at is not None
    assert audit_actions(tenant_a)[-2:] == ["result_download_refused", "result_downloaded"]
    with as_tenant(tenant_a):
        downloaded = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "result_downloaded"))
    assert downloaded.details == {"dossier": CODE, "result": str(result.id), "download": 1}


def test_wrong_digits_close_the_link_for_a_while(client, app, tenant_a, result_a, monkeypatch):
    monkeypatch.setitem(app.config, "RESULT_DIGITS_RATE_LIMIT", "3 per hour")
    url = link(tenant_a, result_a)
    assert [client.post(url, data={"digits": "0000"}).status_code for _ in range(3)] == [403, 403, 403]
    closed = client.post(url, data={"digits": "5678"})
    assert closed.status_code == 429 and "quá nhiều lần" in text_of(closed)
    assert results_of(tenant_a)[0].downloads == 0


def test_an_expired_link_answers_410(client, tenant_a, result_a):
    old = link(tenant_a, result_a, issued_at=utcnow() - timedelta(hours=LINK_HOURS, minutes=1))
    response = client.post(old, data={"digits": "5678"})
    assert response.status_code == 410 and "đã hết hạn" in text_of(response)
    fresh = link(tenant_a, result_a, issued_at=utcnow() - timedelta(hours=LINK_HOURS - 1))
    assert client.get(fresh).status_code == 200


def test_another_provinces_link_and_tampered_tokens_answer_404(client, tenant_a, tenant_b, result_a):
    token = link(tenant_a, result_a).rsplit("/", 1)[1]
    assert client.get(f"/da-nang/ket-qua/{token}").status_code == 404  # signed for bac-ninh only
    assert client.post(f"/da-nang/ket-qua/{token}", data={"digits": "5678"}).status_code == 404
    forged = links.make_token(tenant_b.id, result_a.id)  # a token of da-nang naming bac-ninh's result
    assert client.get(f"/da-nang/ket-qua/{forged}").status_code == 404
    assert client.get(f"/bac-ninh/ket-qua/{forged}").status_code == 404
    assert client.get(f"/bac-ninh/ket-qua/{token[:-2]}xx").status_code == 404
    assert results_of(tenant_a)[0].downloads == 0


def test_a_replaced_result_answers_410(client, tenant_a, result_a):
    url = link(tenant_a, result_a)
    with as_tenant(tenant_a):
        service.attach(CODE, PDF + b"%2", "moi.pdf")
        db.session.flush()
    response = client.get(url)
    assert response.status_code == 410 and "không còn" in text_of(response)
