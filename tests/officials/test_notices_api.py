"""POST /api/v1/notices and GET /api/v1/notices/<id>: validation (400/422 naming fields), keys (401),
idempotency, and another province's notice (404)."""

import pytest
from sqlalchemy import func, select

from platform_core.extensions import db
from platform_core.officials.models import InternalNotice
from tests.conftest import as_tenant
from tests.dossiers.support import bearer

URL = "/api/v1/notices"
BODY = {"kind": "awaiting_approval", "recipients": "CB-001", "title": "Tờ trình 45/TTr-SNV chờ phê duyệt",
        "urgency": "thuong_khan", "due_at": "2026-12-02T17:00:00+07:00", "source_system": "qlvb",
        "source_ref": "TTr-45"}


def notice_count(tenant) -> int:
    with as_tenant(tenant):
        return db.session.scalar(select(func.count()).select_from(InternalNotice))


def test_a_notice_is_created_sent_and_its_status_readable(client, key_a, official_a):
    response = client.post(URL, json=BODY, headers=key_a)
    assert response.status_code == 201, response.get_json()
    [notice] = response.get_json()["notices"]
    assert (notice["recipient"], notice["status"], notice["send_count"]) == ("can-bo@bacninh.gov.vn", "sent", 1)
    assert notice["due_at"] == "2026-12-02T17:00:00+07:00" and notice["next_resend_at"].endswith("+07:00")
    shown = client.get(f"{URL}/{notice['id']}", headers=key_a)
    assert shown.status_code == 200 and shown.get_json()["title"] == BODY["title"]


def test_the_same_source_reference_again_creates_nothing(client, key_a, official_a, tenant_a):
    first = client.post(URL, json=BODY, headers=key_a).get_json()
    again = client.post(URL, json=BODY, headers=key_a)
    assert again.status_code == 200 and again.get_json() == first
    assert notice_count(tenant_a) == 1


def test_the_idempotency_key_header_makes_a_repeat_create_nothing(client, key_a, official_a, tenant_a):
    body = {name: value for name, value in BODY.items() if name not in ("source_system", "source_ref")}
    headers = key_a | {"Idempotency-Key": "qlvb-2026-45"}
    first = client.post(URL, json=body, headers=headers)
    again = client.post(URL, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200) and again.get_json() == first.get_json()
    assert client.post(URL, json=body, headers=key_a | {"Idempotency-Key": " "}).status_code == 422
    assert notice_count(tenant_a) == 1


def test_recipients_by_e_mail_and_external_ref(client, key_a, official_a, unlinked_official_a):
    body = BODY | {"recipients": ["CB-001", "Chua-Lien-Ket@bacninh.gov.vn"], "source_ref": "TTr-46"}
    response = client.post(URL, json=body, headers=key_a)
    assert response.status_code == 201
    assert [n["status"] for n in response.get_json()["notices"]] == ["sent", "created"]


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "party"}, "kind"),
    ({"title": "  "}, "title"),
    ({"urgency": "rat_khan"}, "urgency"),
    ({"secrecy": "bi_mat"}, "secrecy"),
    ({"recipients": []}, "recipients"),
    ({"recipients": [42]}, "recipients"),
    ({"recipients": "CB-404"}, "recipients"),
    ({"due_at": "2026-12-02 17:00"}, "due_at"),
    ({"kind": "meeting"}, "starts_at"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_is_422_naming_the_field_and_writes_nothing(client, key_a, official_a, tenant_a, change, field):
    response = client.post(URL, json=BODY | change, headers=key_a)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert notice_count(tenant_a) == 0


def test_a_body_that_is_not_a_json_object_is_400(client, key_a):
    response = client.post(URL, data="[1, 2]", headers=key_a | {"Content-Type": "application/json"})
    assert response.status_code == 400


def test_a_bad_key_is_401(client, official_a):
    assert client.post(URL, json=BODY, headers={"Authorization": "Bearer motcua_live_nope"}).status_code == 401
    assert client.get(f"{URL}/00000000-0000-0000-0000-000000000000").status_code == 401


def test_another_provinces_notice_is_404(client, key_a, key_b, official_a, official_b):
    created = client.post(URL, json=BODY, headers=key_b).get_json()["notices"][0]
    response = client.get(f"{URL}/{created['id']}", headers=key_a)
    assert response.status_code == 404 and "CANARY" not in response.get_data(as_text=True)
    assert client.get(f"{URL}/not-a-uuid", headers=key_a).status_code == 404


def test_the_same_key_with_another_body_is_409_naming_what_differs(client, key_a, official_a, tenant_a):
    client.post(URL, json=BODY, headers=key_a)
    response = client.post(URL, json=BODY | {"title": "Tờ trình khác", "urgency": "hoa_toc"}, headers=key_a)
    assert response.status_code == 409
    assert set(response.get_json()["errors"]) == {"title", "urgency"}
    assert notice_count(tenant_a) == 1


def test_a_test_key_is_refused_because_notices_reach_real_officials(client, official_a, tenant_a):
    response = client.post(URL, json=BODY, headers=bearer(tenant_a, "test"))
    assert response.status_code == 403 and response.get_json()["errors"]["authorization"]
    assert notice_count(tenant_a) == 0
