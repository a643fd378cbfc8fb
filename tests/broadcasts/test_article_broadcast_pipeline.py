"""An article broadcast end to end over real HTTP, Redis, RQ workers and the Zalo sandbox (issue 13, part 5): news
approved by a second admin reaches every follower of the province's OA through ONE /v2.0/oa/message call,
counted in the sandbox's request log, with no per-follower promotion sent at all."""

from platform_core.auth.models import User
from platform_core.broadcasts import jobs, service
from platform_core.broadcasts.constants import SENT
from platform_core.db.types import utcnow
from platform_core.extensions import db
from tests.broadcasts.support import news_stack
from tests.pipeline.fixtures import db_session, stack  # noqa: F401 - fixtures

FOLLOWERS = 2_000


def send_article(stack, desk) -> str:  # noqa: F811
    with stack.app.app_context(), stack.in_tenant(desk.province.slug):
        author = db.session.scalar(db.select(User).where(User.email == desk.author_email))
        approver = db.session.scalar(db.select(User).where(User.email == desk.approver_email))
        broadcast = service.create(service.Draft(
            title="Miễn học phí năm học 2026-2027", body="Học sinh các cấp được miễn học phí từ tháng 9.",
            article_url="https://bacninh.gov.vn/tin/hoc-phi", audience={"kind": "all"}, channel="article",
            cover_url="https://bacninh.gov.vn/anh/hoc-phi.jpg", article_target={}), author)
        service.submit(broadcast, author)
        service.approve(broadcast, approver, utcnow())
        service.send_now(broadcast, approver, utcnow())
        db.session.commit()
        jobs.plan_broadcast.enqueue(str(broadcast.id))
        broadcast_id = str(broadcast.id)
        db.session.remove()
    return broadcast_id


def status_of(stack, slug: str, broadcast_id: str):  # noqa: F811
    with stack.app.app_context(), stack.in_tenant(slug):
        broadcast = service.get(broadcast_id)
        found = (broadcast.status, broadcast.zalo_message_id)
        db.session.remove()
    return found


def test_an_article_broadcast_reaches_every_follower_in_one_call(stack, zalo_sandbox):  # noqa: F811
    desk = news_stack(stack, zalo_sandbox)
    province = desk.province
    followers = set(zalo_sandbox.add_users(province.app_id, FOLLOWERS, is_follower=True))
    zalo_sandbox.add_users(province.app_id, 5, is_follower=False)
    stack.start_workers(1)

    broadcast_id = send_article(stack, desk)
    status, message_id = zalo_sandbox.wait_for(
        lambda: (found := status_of(stack, province.slug, broadcast_id))[0] == SENT and found, timeout=60, interval=0.2)

    assert len(zalo_sandbox.requests(path_contains="/v2.0/oa/message")) == 1
    assert len(zalo_sandbox.requests(path_contains="/v2.0/article/create")) == 1
    assert zalo_sandbox.requests(path_contains="/v3.0/oa/message/promotion") == []
    articles = [m for m in zalo_sandbox.messages(oa_id=province.oa_id) if m["kind"] == "article"]
    assert {m["user_id"] for m in articles} == followers and len(articles) == FOLLOWERS
    assert message_id
    one = next(iter(followers))
    phone = zalo_sandbox.http.get(f"/phone/{province.oa_id}/{one}")
    assert phone.status_code == 200 and "Miễn học phí năm học 2026-2027" in phone.text
