"""The console's feedback pages (officers) and the public web form: filters, actions through the state
machine, attachments served safely, CSRF, rate limit; another province's feedback is 404 everywhere."""

import re

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.feedback import service
from platform_core.feedback.attachments import Image
from platform_core.feedback.models import Feedback
from tests.conftest import CANARY, as_tenant
from tests.console.support import text_of
from tests.feedback.conftest import CONTENT, messages_to, reloaded, web_feedback, zalo_feedback

INBOX = "/bac-ninh/admin/feedback/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def url(feedback, suffix="") -> str:
    return f"{INBOX}{feedback.id}{suffix}"


def with_image(tenant, feedback):
    with as_tenant(tenant):
        attachment = service.attach_image(feedback, Image(PNG, "image/png"))
        db.session.flush()
        return attachment


@pytest.fixture
def theirs(tenant_b):
    """Đà Nẵng's feedback, with an image, carrying the canary."""
    feedback = zalo_feedback(tenant_b, content=f"Phản ánh {CANARY} về thủ tục đất đai")
    return feedback, with_image(tenant_b, feedback)


def test_the_inbox_lists_and_filters(officer_a, tenant_a, theirs):
    first, second = zalo_feedback(tenant_a), web_feedback(tenant_a)
    html = text_of(officer_a.client.get(INBOX + "?lang=en"))
    assert first.code in html and second.code in html and CANARY not in html
    html = text_of(officer_a.client.get(INBOX + "?lang=en&channel=web"))
    assert second.code in html and first.code not in html
    html = text_of(officer_a.client.get(INBOX + "?lang=en&q=0001"))
    assert first.code in html and second.code not in html
    html = text_of(officer_a.client.get(INBOX + "?lang=en&status=accepted"))
    assert "No feedback matches." in html


def test_overdue_items_are_shown_prominently(officer_a, tenant_a):
    late = zalo_feedback(tenant_a)  # received 2/11/2026: long past its intake deadline today
    with as_tenant(tenant_a):
        service.flag_overdue()
        db.session.flush()
    html = text_of(officer_a.client.get(INBOX + "?lang=en"))
    assert 'class="banner banner--overdue"' in html and "escalated to the administrators" in html
    assert re.search(r'<tr class="row--overdue">\s*<th scope="row"><a [^>]*>' + late.code, html)
    assert late.code in text_of(officer_a.client.get(INBOX + "?lang=en&overdue=y"))


def test_the_detail_page_shows_content_history_images_and_the_allowed_actions(officer_a, tenant_a):
    feedback = zalo_feedback(tenant_a)
    attachment = with_image(tenant_a, feedback)
    html = text_of(officer_a.client.get(url(feedback, "?lang=en")))
    assert CONTENT in html and feedback.code in html
    assert url(feedback, f"/attachments/{attachment.id}") in html
    actions = re.findall(rf'action="{re.escape(url(feedback))}/(\w+)"', html)
    assert actions == ["accept", "reject", "request_supplement"]


def test_an_officer_moves_a_feedback_to_its_answer(officer_a, tenant_a):
    feedback = zalo_feedback(tenant_a)
    client = officer_a.client
    for action, data in [("accept", {}), ("classify", {"classify-category": "regulation_content",
                                                       "classify-agency": "Sở Xây dựng"}),
                         ("answer", {"answer-answer": "Quy định đã được sửa từ tháng 12."})]:
        response = client.post(url(feedback, f"/{action}"), data=data)
        assert response.status_code == 302, text_of(response)
    html = text_of(client.get(url(feedback, "?lang=en")))
    assert '<dd id="feedback-status">Answered</dd>' in html
    assert "Quy định đã được sửa từ tháng 12." in html
    assert messages_to(tenant_a)[-1]["header"] == "Trả lời phản ánh, kiến nghị"


def test_an_invalid_transition_is_refused_with_a_message(officer_a, tenant_a):
    feedback = zalo_feedback(tenant_a)
    response = officer_a.client.post(url(feedback, "/publish?lang=en"))
    assert response.status_code == 422
    assert "cannot be moved this way" in text_of(response)
    assert reloaded(tenant_a, feedback).status == "submitted"


def test_a_missing_reason_is_shown_on_the_field(officer_a, tenant_a):
    feedback = zalo_feedback(tenant_a)
    response = officer_a.client.post(url(feedback, "/reject?lang=en"), data={"reject-note": " "})
    assert response.status_code == 422
    assert "Give the reason the feedback is not accepted" in text_of(response)
    assert 'id="reject-note-error"' in text_of(response)
    assert reloaded(tenant_a, feedback).status == "submitted"


def test_an_unknown_action_is_404(officer_a, tenant_a):
    feedback = zalo_feedback(tenant_a)
    assert officer_a.client.post(url(feedback, "/supplement")).status_code == 404
    assert officer_a.client.post(url(feedback, "/delete")).status_code == 404


def test_attachments_are_served_with_their_type_and_nosniff(officer_a, tenant_a):
    feedback = zalo_feedback(tenant_a)
    attachment = with_image(tenant_a, feedback)
    response = officer_a.client.get(url(feedback, f"/attachments/{attachment.id}"))
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


def test_another_provinces_feedback_is_404_everywhere(officer_a, admin_a, tenant_a, tenant_b, theirs):
    feedback, attachment = theirs
    mine = zalo_feedback(tenant_a)
    for client in (officer_a.client, admin_a.client):
        assert client.get(url(feedback)).status_code == 404
        assert client.get(url(feedback, f"/attachments/{attachment.id}")).status_code == 404
        assert client.get(url(mine, f"/attachments/{attachment.id}")).status_code == 404  # via my feedback
        for action in ("accept", "reject", "answer"):
            assert client.post(url(feedback, f"/{action}"), data={f"{action}-note": "x"}).status_code == 404
        assert CANARY not in text_of(client.get(INBOX + f"?q={feedback.code}"))
    assert reloaded(tenant_b, feedback).status == "submitted"


def test_province_b_admin_cannot_open_province_a_pages(admin_b, tenant_a):
    mine = zalo_feedback(tenant_a)
    assert admin_b.client.get(INBOX).status_code == 404
    assert admin_b.client.get(url(mine)).status_code == 404
    assert admin_b.client.post(url(mine, "/accept")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, tenant_a):
    mine = zalo_feedback(tenant_a)
    assert client.get(url(mine)).status_code in (302, 401)


def test_an_officer_enters_a_feedback_received_by_phone(officer_a, tenant_a):
    response = officer_a.client.post(INBOX + "new", data={"name": "Phạm Văn Cường", "phone": "0903 123 456",
                                                           "content": CONTENT, "dossier_code": ""})
    assert response.status_code == 302
    with as_tenant(tenant_a):
        [feedback] = db.session.scalars(select(Feedback)).all()
    assert (feedback.channel, feedback.submitter_phone, feedback.entered_by_id) == (
        "officer", "+84903123456", officer_a.user.id)
    assert response.headers["Location"].endswith(str(feedback.id))


def test_an_entry_without_content_shows_the_error_and_stores_nothing(officer_a, tenant_a):
    response = officer_a.client.post(INBOX + "new?lang=en", data={"name": "Phạm Văn Cường", "phone": "0903123456",
                                                                   "content": ""})
    assert response.status_code == 422
    assert "Write what the feedback or petition is about" in text_of(response)
    with as_tenant(tenant_a):
        assert db.session.scalars(select(Feedback)).all() == []


def test_actions_need_the_csrf_token(officer_a, tenant_a, csrf_on):
    feedback = zalo_feedback(tenant_a)
    response = officer_a.client.post(url(feedback, "/accept"))
    assert response.status_code in (400, 422) and reloaded(tenant_a, feedback).status == "submitted"


# --- the public web form ------------------------------------------------------------------------------------

FORM = "/bac-ninh/phan-anh/"


def post_form(client, address: str, **fields):
    data = {"name": "Trần Thị Bình", "phone": "0987654321", "content": CONTENT, "dossier_code": ""} | fields
    return client.post(FORM + "?lang=en", data=data, environ_base={"REMOTE_ADDR": address})


def test_the_web_form_takes_a_feedback_and_shows_its_code(client, tenant_a, tenant_b):
    assert client.get(FORM).status_code == 200
    response = post_form(client, "203.0.113.1")
    assert response.status_code == 302 and response.headers["Location"].endswith("/phan-anh/da-gui")
    with as_tenant(tenant_a):
        [feedback] = db.session.scalars(select(Feedback)).all()
    assert feedback.channel == "web" and feedback.submitter_name == "Trần Thị Bình"
    html = text_of(client.get("/bac-ninh/phan-anh/da-gui?lang=en"))
    assert feedback.code in html and "Answer by" in html
    other_province = client.get("/da-nang/phan-anh/da-gui")  # the code given in Bắc Ninh is not Đà Nẵng's
    assert other_province.status_code == 302 and feedback.code not in text_of(other_province)


@pytest.mark.parametrize(("fields", "message"), [
    ({"content": ""}, "Write what the feedback or petition is about"),
    ({"name": ""}, "Give your full name."),
    ({"phone": "123"}, "This is not a Vietnamese mobile number."),
])
def test_the_web_form_shows_field_errors_and_stores_nothing(client, tenant_a, fields, message):
    response = post_form(client, "203.0.113.2", **fields)
    assert response.status_code == 422 and message in text_of(response)
    with as_tenant(tenant_a):
        assert db.session.scalars(select(Feedback)).all() == []


def test_the_web_form_needs_the_csrf_token(client, tenant_a, csrf_on):
    response = post_form(client, "203.0.113.3")
    assert response.status_code in (400, 422)
    with as_tenant(tenant_a):
        assert db.session.scalars(select(Feedback)).all() == []


def test_the_web_form_is_rate_limited_per_address(app, client, tenant_a, monkeypatch):
    monkeypatch.setitem(app.config, "FEEDBACK_FORM_RATE_LIMIT", "2 per hour")
    assert [post_form(client, "203.0.113.4").status_code for _ in range(2)] == [302, 302]
    refused = post_form(client, "203.0.113.4")
    assert refused.status_code == 429 and "try again later" in text_of(refused)
    assert post_form(client, "203.0.113.5").status_code == 302  # another address
    assert post_form(client, "203.0.113.4", content="").status_code == 429


def test_an_unknown_province_has_no_form(client):
    assert client.get("/khong-co/phan-anh/").status_code == 404
