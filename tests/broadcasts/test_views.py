"""The policy news pages (/<slug>/admin/broadcasts/): compose with preview and audience estimate, submit, a
second admin approves (never the author), send, follow the progress, cancel; officers and other provinces get
404 on every page, the progress JSON and every action."""

import io

import pytest
from sqlalchemy import select

from platform_core.broadcasts.constants import APPROVED, CANCELLED, DRAFT, PENDING_APPROVAL, SCHEDULED, SENDING
from platform_core.broadcasts.models import Broadcast
from platform_core.citizens.models import FollowerTag
from platform_core.delivery import guest_list
from platform_core.extensions import db
from tests.broadcasts.conftest import add_follower_ids, add_followers, news
from tests.conftest import as_tenant
from tests.console.support import text_of

URL = "/bac-ninh/admin/broadcasts"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
FORM = {"title": "Lịch tiếp công dân tháng 12", "body": "Trung tâm tiếp công dân cả thứ Bảy.",
        "article_url": "https://bacninh.gov.vn/tin/1", "audience": "all"}


@pytest.fixture
def author(admin_a):
    admin_a.client.get("/?lang=en")
    return admin_a


@pytest.fixture
def approver(approver_a):
    approver_a.client.get("/?lang=en")
    return approver_a


def only_broadcast(tenant) -> Broadcast:
    db.session.expire_all()  # the requests wrote through their own session
    with as_tenant(tenant):
        return db.session.scalar(select(Broadcast))


def compose(member, tenant, **fields) -> Broadcast:
    response = member.client.post(f"{URL}/new", data=FORM | fields, content_type="multipart/form-data")
    assert response.status_code == 302, text_of(response)
    return only_broadcast(tenant)


def test_an_admin_composes_news_and_sees_it_as_a_citizen_would_with_the_audience_size(author, tenant_a):
    with as_tenant(tenant_a):
        add_followers(7)
        add_followers(2, prefix="x", is_follower=False)
    broadcast = compose(author, tenant_a, image=(io.BytesIO(PNG), "banner.png"))
    assert (broadcast.status, broadcast.image_content_type, broadcast.created_by_id) == (
        DRAFT, "image/png", author.user.id)
    page = text_of(author.client.get(f"{URL}/{broadcast.id}"))
    assert "As a citizen sees it" in page and "Lịch tiếp công dân tháng 12" in page and "Xem chi tiết" in page
    assert 'id="news-estimate">7<' in page
    image = author.client.get(f"{URL}/{broadcast.id}/image")
    assert image.data == PNG and image.headers["X-Content-Type-Options"] == "nosniff"


def test_in_trial_the_estimate_counts_only_the_team_and_guest_list_and_says_so(author, tenant_a):
    with as_tenant(tenant_a):
        add_followers(4)
        guest_list.add("Chị Hoa", zalo_user_id="5550000000000009")
        add_follower_ids(["5550000000000009"])
    broadcast = compose(author, tenant_a)
    tenant_a.status = "trial"
    db.session.flush()
    page = text_of(author.client.get(f"{URL}/{broadcast.id}"))
    assert 'id="news-estimate">1<' in page and "only your team and the guest list" in page
    tenant_a.status = "live"
    db.session.flush()
    assert "only your team and the guest list" not in text_of(author.client.get(f"{URL}/{broadcast.id}"))


@pytest.mark.parametrize(("fields", "message"), [
    ({"title": ""}, "Give a title of 1 to 100 characters."),
    ({"body": "x" * 1001}, "Give a text of 1 to 1000 characters."),
    ({"article_url": "javascript:alert(1)"}, "Give a web address starting with https://"),
    ({"image": (io.BytesIO(b"GIF89a" + b"\0" * 10), "fake.png")}, "The image must be a PNG or JPEG file."),
    ({"image": (io.BytesIO(PNG + b"\0" * 1024 * 1024), "big.png")}, "The image is larger than 1 MB."),
    ({"audience": "tag", "tag": ""}, "Choose a tag."),
    ({"audience": "procedure", "procedure_code": "9.999999"}, "Choose a procedure of the province"),
    ({"audience": "communes", "communes": " , "}, "Name at least one commune."),
    ({"send_date": "2020-01-01", "send_time": "08:00"}, "Choose a time in the future."),
])
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(author, tenant_a, fields, message):
    response = author.client.post(f"{URL}/new", data=FORM | fields, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in text_of(response)
    assert only_broadcast(tenant_a) is None


def test_audiences_by_tag_procedure_and_commune_are_estimated(author, tenant_a):
    with as_tenant(tenant_a):
        users = add_followers(4, commune="Xã Tam Sơn")
        add_followers(3, prefix="v", commune="Phường Đông Ngàn")
        db.session.add(FollowerTag(zalo_user_id=users[0], tag="hộ kinh doanh"))
        db.session.commit()
    broadcast = compose(author, tenant_a, audience="communes", communes="Xã Tam Sơn, Phường Đông Ngàn")
    assert broadcast.audience == {"kind": "communes", "communes": ["Phường Đông Ngàn", "Xã Tam Sơn"]}
    assert 'id="news-estimate">7<' in text_of(author.client.get(f"{URL}/{broadcast.id}"))
    response = author.client.post(f"{URL}/{broadcast.id}/edit", data=FORM | {"audience": "tag", "tag": "hộ kinh doanh"})
    assert response.status_code == 302
    assert 'id="news-estimate">1<' in text_of(author.client.get(f"{URL}/{broadcast.id}"))


def test_the_author_cannot_approve_their_own_broadcast_a_second_admin_can(author, approver, tenant_a):
    broadcast = compose(author, tenant_a)
    assert author.client.post(f"{URL}/{broadcast.id}/submit").status_code == 302
    assert only_broadcast(tenant_a).status == PENDING_APPROVAL
    page = text_of(author.client.get(f"{URL}/{broadcast.id}"))
    assert "Waiting for a second administrator" in page and ">Approve<" not in page
    response = author.client.post(f"{URL}/{broadcast.id}/approve", follow_redirects=True)
    assert "you cannot approve your own broadcast" in text_of(response)
    assert only_broadcast(tenant_a).status == PENDING_APPROVAL

    assert approver.client.post(f"{URL}/{broadcast.id}/approve").status_code == 302
    approved = only_broadcast(tenant_a)
    assert (approved.status, approved.approved_by_id) == (APPROVED, approver.user.id)


def test_a_scheduled_broadcast_is_scheduled_once_approved(author, approver, tenant_a):
    broadcast = compose(author, tenant_a, send_date="2099-01-02", send_time="08:30")
    author.client.post(f"{URL}/{broadcast.id}/submit")
    approver.client.post(f"{URL}/{broadcast.id}/approve")
    scheduled = only_broadcast(tenant_a)
    assert scheduled.status == SCHEDULED
    assert scheduled.scheduled_at.isoformat() == "2099-01-02T01:30:00+00:00"  # 08:30 in Vietnam


def test_a_draft_can_be_sent_back_and_changed_but_not_once_submitted(author, approver, tenant_a):
    broadcast = compose(author, tenant_a)
    author.client.post(f"{URL}/{broadcast.id}/submit")
    response = author.client.post(f"{URL}/{broadcast.id}/edit", data=FORM | {"title": "Đổi"})
    assert response.status_code == 302 and only_broadcast(tenant_a).title == FORM["title"]
    approver.client.post(f"{URL}/{broadcast.id}/return")
    assert only_broadcast(tenant_a).status == DRAFT
    author.client.post(f"{URL}/{broadcast.id}/edit", data=FORM | {"title": "Đổi"})
    assert only_broadcast(tenant_a).title == "Đổi"


def test_sending_starts_planning_and_the_progress_json_counts_it(author, approver, tenant_a):
    with as_tenant(tenant_a):
        add_followers(3)
        db.session.commit()
    broadcast = compose(author, tenant_a)
    author.client.post(f"{URL}/{broadcast.id}/submit")
    approver.client.post(f"{URL}/{broadcast.id}/approve")
    assert approver.client.post(f"{URL}/{broadcast.id}/send").status_code == 302
    sending = only_broadcast(tenant_a)
    assert sending.status == SENDING and sending.notification_id is not None
    body = author.client.get(f"{URL}/{broadcast.id}/progress").get_json()
    assert body["status"] == "sending" and body["planning"] is True and body["total"] == 0
    page = text_of(author.client.get(f"{URL}/{broadcast.id}"))
    assert '<progress class="news-bar"' in page and 'http-equiv="refresh"' in page  # the no-JS fallback

    assert author.client.post(f"{URL}/{broadcast.id}/cancel").status_code == 302
    assert only_broadcast(tenant_a).status == CANCELLED


def test_officers_get_404(officer_a, author, tenant_a):
    broadcast = compose(author, tenant_a)
    assert officer_a.client.get(f"{URL}/").status_code == 404
    assert officer_a.client.get(f"{URL}/{broadcast.id}").status_code == 404


def test_another_provinces_broadcast_is_404_everywhere(author, admin_b, tenant_a, tenant_b):
    broadcast = compose(author, tenant_a, image=(io.BytesIO(PNG), "banner.png"))
    other = f"/da-nang/admin/broadcasts/{broadcast.id}"
    for path in ("", "/edit", "/progress", "/image"):
        assert admin_b.client.get(f"{other}{path}").status_code == 404, path
    for action in ("submit", "approve", "return", "send", "cancel"):
        assert admin_b.client.post(f"{other}/{action}").status_code == 404, action
    assert admin_b.client.post(f"{other}/edit", data=FORM).status_code == 404
    assert admin_b.client.get(f"{URL}/{broadcast.id}").status_code == 404  # A's URL, B's admin
    assert only_broadcast(tenant_a).status == DRAFT
    assert "Lịch tiếp công dân" not in text_of(admin_b.client.get("/da-nang/admin/broadcasts/"))


def test_an_unknown_id_or_action_is_404(author):
    assert author.client.get(f"{URL}/not-an-id").status_code == 404
    assert author.client.post(f"{URL}/0192f0e4-0000-7000-8000-000000000000/submit").status_code == 404


def test_actions_need_the_csrf_token(author, tenant_a, csrf_on):
    with as_tenant(tenant_a):
        broadcast_id = news(author.user).id
        db.session.commit()
    assert author.client.post(f"{URL}/{broadcast_id}/submit").status_code == 400
    assert only_broadcast(tenant_a).status == DRAFT
