"""A planned broadcast against the Zalo sandbox: the banner is uploaded once and carried by the message; a
promotion Zalo refuses at night (-234) waits for 06:00 instead of failing; the sandbox seeds thousands of
followers in one call and its OA daily cap can be raised for a test; a refused upload is shown on the broadcast
and tried again; the banner is uploaded again before Zalo's 7 days are up."""

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from platform_core.broadcasts import jobs, planning
from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.delivery import sender
from platform_core.delivery.constants import PENDING, PROMOTION, SENDING, SENT
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.zalo.client_registry import zalo_client
from tests.broadcasts.conftest import DAYTIME, add_follower_ids, news
from tests.broadcasts.support import BANNER_PNG
from tests.zalo.conftest import connect_to_sandbox, sandbox  # noqa: F401 - the fixture

NIGHT = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # 22:30 in Vietnam


def test_the_banner_is_uploaded_once_and_carried_by_every_message(sandbox, tenant_a, in_a, admin_a, sending):  # noqa: F811
    connect_to_sandbox(tenant_a, sandbox)
    broadcast = sending(news(admin_a.user, image=BANNER_PNG))
    planning.upload_image(broadcast, zalo_client())
    attachment_id = broadcast.image_attachment_id
    assert attachment_id in sandbox.state.attachments
    notification = db.session.scalar(select(Notification))
    assert notification.context["image_attachment_id"] == attachment_id
    planning.upload_image(broadcast, zalo_client())  # already there: not uploaded again
    assert len(sandbox.requests(path_contains="/upload/image")) == 1


def test_a_promotion_zalo_refuses_at_night_waits_for_06_00(sandbox, tenant_a, in_a, sending):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    user_id = sandbox.add_users(seeded.app_id, 1, is_follower=True)[0]
    add_follower_ids([user_id])
    broadcast = sending()
    planning.plan(broadcast.id, now=DAYTIME)
    delivery = db.session.scalar(select(Delivery))
    delivery.state, delivery.attempts = SENDING, 1
    db.session.commit()

    sandbox.set_clock("2026-11-27T22:30:00")
    assert sender.send(delivery, zalo_client(), now=NIGHT) == PENDING
    assert (delivery.channel, delivery.error_code) == (PROMOTION, -234)
    assert delivery.next_attempt_at == datetime(2026, 11, 28, 6, 0, tzinfo=VIETNAM)

    sandbox.set_clock("2026-11-28T06:00:00")
    delivery.state = SENDING
    assert sender.send(delivery, zalo_client(), now=datetime(2026, 11, 27, 23, 0, tzinfo=UTC)) == SENT
    [message] = sandbox.messages(user_id=user_id)
    assert message["kind"] == "promotion"


def test_the_sandbox_seeds_many_followers_and_its_daily_cap_can_be_raised(zalo_sandbox):
    app = zalo_sandbox.add_app("bac-ninh")
    token = zalo_sandbox.mint_tokens(app.app_id)["access_token"]
    user_ids = zalo_sandbox.add_users(app.app_id, 3, is_follower=True, display_name="Công dân")
    assert len(set(user_ids)) == 3
    assert {u["display_name"] for u in zalo_sandbox._call("GET", "/users", params={"oa_id": app.oa_id})} == {
        "Công dân 1", "Công dân 2", "Công dân 3"}
    zalo_sandbox.set_clock("2026-11-28T10:00:00")
    zalo_sandbox.settings(promotion_daily_cap=2)

    def promote(user_id: str) -> int:
        body = {"recipient": {"user_id": user_id}, "message": {"attachment": {"type": "template", "payload": {
            "template_type": "promotion", "language": "VI",
            "elements": [{"type": "header", "content": "Tin"}, {"type": "text", "content": "Nội dung"}]}}}}
        response = httpx.post(f"{zalo_sandbox.openapi_url}/v3.0/oa/message/promotion", json=body,
                              headers={"access_token": token})
        return response.json()["error"]

    assert [promote(user_id) for user_id in user_ids] == [0, 0, -211]


def test_a_refused_upload_is_shown_on_the_broadcast_and_tried_again(sandbox, tenant_a, in_a, admin_a, sending):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    add_follower_ids(sandbox.add_users(seeded.app_id, 2, is_follower=True))
    broadcast = sending(news(admin_a.user, image=BANNER_PNG), now=utcnow())
    sandbox.inject_fault(path="/upload/image", error=-210, message="Image is invalid")
    assert jobs.plan_broadcast(str(broadcast.id)) == 0
    db.session.refresh(broadcast)
    assert "-210" in broadcast.planning_error and broadcast.plan_cursor is None
    page = admin_a.client.get(f"/bac-ninh/admin/broadcasts/{broadcast.id}?lang=en").get_data(as_text=True)
    assert 'id="news-planning-error"' in page and "Image is invalid" in page
    assert jobs.broadcasts_tick()["resumed"] == 1  # the next minute tries again
    assert jobs.plan_broadcast(str(broadcast.id)) == 1
    db.session.refresh(broadcast)
    assert (broadcast.planning_error, broadcast.planned_count) == (None, 2)


def test_the_banner_is_uploaded_again_before_zalo_forgets_it(sandbox, tenant_a, in_a, admin_a, sending):  # noqa: F811
    connect_to_sandbox(tenant_a, sandbox)
    broadcast = sending(news(admin_a.user, image=BANNER_PNG), now=utcnow())
    planning.upload_image(broadcast, zalo_client(), now=DAYTIME)
    first = broadcast.image_attachment_id
    assert not planning.image_is_stale(broadcast, DAYTIME + timedelta(days=5, hours=23))
    planning.upload_image(broadcast, zalo_client(), now=DAYTIME + timedelta(days=6))
    assert broadcast.image_attachment_id != first and broadcast.image_uploaded_at == DAYTIME + timedelta(days=6)
    assert db.session.scalar(select(Notification)).context["image_attachment_id"] == broadcast.image_attachment_id
    assert len(sandbox.requests(path_contains="/upload/image")) == 2

    broadcast.planning_done_at, broadcast.image_uploaded_at = utcnow(), utcnow() - timedelta(days=6)
    db.session.commit()
    assert jobs.broadcasts_tick()["resumed"] == 1  # planning is done, but the banner needs uploading again
