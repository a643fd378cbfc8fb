"""No personal data in any log line the app writes (issue 12 item 10): a representative set of flows that
carry a citizen's phone and name (a dossier through the API, its event, the console's lookups by phone and
searches by name, refused input that names them) with every logger at DEBUG, and the captured records
scanned for the phone (as typed and in E.164) and the name. Access logs are tests/web/test_access_log.py."""

import logging

import pytest

from tests import factories
from tests.console.support import signed_in_member
from tests.dossiers.support import bearer

PHONE, PHONE_E164, NAME = "0987654321", "84987654321", "Hoàng Thị Nhung"
CODE = "H15.50.05.13-260715-0777"


@pytest.fixture
def everything_logged(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


def test_flows_with_a_citizens_phone_and_name_log_neither(app, client, tenant_a, everything_logged):
    applicant = {"name": NAME, "phone": PHONE}
    headers = bearer(tenant_a)
    assert client.post("/api/v1/dossiers", json=factories.dossier_body(CODE, applicant=applicant),
                       headers=headers).status_code == 201
    assert client.post(f"/api/v1/dossiers/{CODE}/events", headers=headers, json={
        "status": "supplement_required", "occurred_at": "2026-07-16T09:00:00+07:00",
        "missing_documents": [f"Giấy tờ của {NAME}"]}).status_code in (200, 201)
    refused = client.post("/api/v1/dossiers", headers=headers,
                          json=factories.dossier_body("bad code", applicant={"name": NAME, "phone": PHONE + "x"}))
    assert refused.status_code in (400, 422)

    admin = signed_in_member(app, tenant_a, "admin", email="nhat-ky@bacninh.gov.vn")
    for path, query in (("/bac-ninh/admin/citizens/citizen", {"phone": PHONE}),
                        ("/bac-ninh/admin/dossiers/", {"q": NAME}),
                        ("/bac-ninh/admin/dossiers/", {"q": PHONE})):
        assert admin.client.get(path, query_string=query).status_code < 500

    logged = "\n".join(record.getMessage() for record in everything_logged.records)
    assert everything_logged.records, "nothing was logged: the scan would prove nothing"
    for personal in (PHONE, PHONE_E164, NAME, PHONE[1:]):
        assert personal not in logged
