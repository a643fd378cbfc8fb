"""The officials page: team members with profile and Zalo link, their notices, the profile form and the
notice form. Administrators only; another province's member is 404 and never listed."""

from sqlalchemy import select

from platform_core.extensions import db
from platform_core.officials.models import InternalNotice, OfficialProfile
from tests.conftest import CANARY, as_tenant
from tests.console.support import text_of
from tests.officials.conftest import sent_messages

BASE = "/bac-ninh/admin/officials"


def test_the_page_lists_members_with_their_link_and_notices(admin_a, official_a, unlinked_official_a, tenant_a,
                                                           official_b):
    admin_a.client.post(f"{BASE}/notices/new", data={
        "kind": "incoming_document", "recipients": ["can-bo@bacninh.gov.vn"], "title": "Công văn 77/SNV",
        "urgency": "thuong", "secrecy": ""})
    html = text_of(admin_a.client.get(f"{BASE}/"))
    assert "Lê Văn Cán" in html and "Phạm Thị Chưa" in html and "CB-001" in html
    assert html.count('class="badge badge--connected"') == 1  # linked Zalo: Lê Văn Cán only
    assert "Công văn 77/SNV" in html
    assert CANARY not in html


def test_an_officer_or_another_provinces_admin_gets_404(officer_a, admin_b, official_a):
    for client in (officer_a.client, admin_b.client):
        assert client.get(f"{BASE}/").status_code == 404
        assert client.get(f"{BASE}/{official_a.user.id}").status_code == 404
        assert client.get(f"{BASE}/notices/new").status_code == 404


def test_another_provinces_member_is_404(admin_a, official_b):
    assert admin_a.client.get(f"{BASE}/{official_b.user.id}").status_code == 404
    assert admin_a.client.post(f"{BASE}/{official_b.user.id}", data={"digest_hour": 7}).status_code == 404


def test_the_profile_is_saved(admin_a, unlinked_official_a, tenant_a):
    url = f"{BASE}/{unlinked_official_a.user.id}"
    assert admin_a.client.get(url).status_code == 200
    response = admin_a.client.post(url, data={"external_ref": " VT-09 ", "agency": "Sở Nội vụ", "position": "mot_cua",
                                              "digest_hour": "6", "active": "y"})
    assert response.status_code == 302
    with as_tenant(tenant_a):
        profile = db.session.scalar(select(OfficialProfile).where(
            OfficialProfile.user_id == unlinked_official_a.user.id).execution_options(populate_existing=True))
    assert (profile.external_ref, profile.agency, profile.position, profile.digest_hour, profile.active) == (
        "VT-09", "Sở Nội vụ", "mot_cua", 6, True)


def test_an_id_already_taken_or_a_bad_hour_is_shown_in_the_form(admin_a, official_a, unlinked_official_a):
    url = f"{BASE}/{unlinked_official_a.user.id}"
    response = admin_a.client.post(url, data={"external_ref": "CB-001", "digest_hour": "7"})
    assert response.status_code == 200 and 'class="field__error"' in text_of(response)
    response = admin_a.client.post(url, data={"external_ref": "CB-777", "digest_hour": "24"})
    assert response.status_code == 200 and 'class="field__error"' in text_of(response)


def test_the_notice_form_sends_a_notice_and_refuses_a_meeting_without_a_time(admin_a, official_a, tenant_a):
    response = admin_a.client.post(f"{BASE}/notices/new", data={
        "kind": "meeting", "recipients": ["can-bo@bacninh.gov.vn"], "title": "Họp giao ban tuần",
        "urgency": "khan", "secrecy": ""})
    assert response.status_code == 200 and 'class="field__error"' in text_of(response)
    response = admin_a.client.post(f"{BASE}/notices/new", data={
        "kind": "meeting", "recipients": ["can-bo@bacninh.gov.vn"], "title": "Họp giao ban tuần",
        "urgency": "khan", "secrecy": "", "starts_at": "2026-12-01T08:00", "location": "Phòng họp A"})
    assert response.status_code == 302
    with as_tenant(tenant_a):
        notice = db.session.scalar(select(InternalNotice))
    assert notice.starts_at.isoformat() == "2026-12-01T01:00:00+00:00"  # typed in Vietnam time
    [(recipient, context)] = sent_messages(tenant_a)
    assert recipient == "zalo-can-bo-1" and "Thời gian: 08:00 01/12/2026" in context["text"]


def test_the_notice_form_needs_the_csrf_token(admin_a, official_a, tenant_a, csrf_on):
    response = admin_a.client.post(f"{BASE}/notices/new", data={
        "kind": "incoming_document", "recipients": ["can-bo@bacninh.gov.vn"], "title": "x"})
    assert response.status_code == 400
    assert sent_messages(tenant_a) == []
