"""Policy news end to end over real HTTP, Redis, RQ workers, the pump and the Zalo sandbox: a broadcast to
5,000 followers completes with a correct report while a dossier notice of the same province still reaches its
citizen within seconds; a second broadcast the same day skips everyone already messaged."""

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from platform_core.auth.models import User
from platform_core.broadcasts import jobs, service
from platform_core.db.types import utcnow
from platform_core.delivery.constants import CLASS_TX
from platform_core.delivery.policy import set_limits
from platform_core.extensions import db
from tests.broadcasts.support import BANNER_PNG, add_followers, finished, news_stack, read_progress
from tests.pipeline.fixtures import db_session, stack  # noqa: F401 - fixtures

pytestmark = pytest.mark.alone  # asserts a notice within 10 s: tests/parallel.py

FOLLOWERS = 5_000
OA_PER_MINUTE = 15_000  # 250 a second: the 5,000 go in about 20 s, still long after the notice
CODE = "000.00.24.H04-261128-0042"


def send_news(stack, desk, title: str, image: bytes | None = None):  # noqa: F811
    """Written by one admin, approved by the other, sent now: the planning job goes to the workers."""
    with stack.app.app_context(), stack.in_tenant(desk.province.slug):
        author = db.session.scalar(db.select(User).where(User.email == desk.author_email))
        approver = db.session.scalar(db.select(User).where(User.email == desk.approver_email))
        broadcast = service.create(service.Draft(
            title=title, body="Từ ngày 01/12, Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ cả sáng thứ Bảy.",
            article_url="https://bacninh.gov.vn/tin/thu-bay", audience={"kind": "all"}, image=image), author)
        service.submit(broadcast, author)
        service.approve(broadcast, approver, utcnow())
        service.send_now(broadcast, approver, utcnow())
        db.session.commit()
        jobs.plan_broadcast.enqueue(str(broadcast.id))
        broadcast_id = broadcast.id
        db.session.remove()
    return broadcast_id


def speed_up(stack, sandbox, desk) -> None:  # noqa: F811
    """The OA allowed OA_PER_MINUTE on both sides (Zalo's 4,000/min would make the 5,000 messages take 100 s of
    the suite's time): what is tested is the order and the report, not Zalo's rate, which tests/pipeline/
    test_limits.py covers."""
    sandbox.set_rate_limit(OA_PER_MINUTE, app_id=desk.province.app_id)
    with stack.app.app_context(), stack.in_tenant(desk.province.slug):
        set_limits(CLASS_TX, per_minute=OA_PER_MINUTE, burst=200)
        db.session.commit()
        db.session.remove()


def promotions(sandbox, oa_id: str) -> list:
    with sandbox.state.lock:
        return [m for m in sandbox.state.messages.values() if m.oa_id == oa_id and m.kind == "promotion"]


def test_a_broadcast_to_5000_followers_never_delays_a_dossier_notice_and_a_second_one_skips_them(
        stack, zalo_sandbox):  # noqa: F811
    desk = news_stack(stack, zalo_sandbox)
    slug, province = desk.province.slug, desk.province
    speed_up(stack, zalo_sandbox, desk)
    add_followers(stack, zalo_sandbox, desk, FOLLOWERS)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", is_follower=True,
                                    last_interaction=-30 * 86400)
    stack.start_workers(2)
    stack.start_pump()

    first = send_news(stack, desk, "Làm thủ tục cả sáng thứ Bảy", image=BANNER_PNG)
    zalo_sandbox.wait_for(lambda: read_progress(stack, slug, first)[1].sent >= 300, timeout=120)

    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    received = datetime.now(UTC)
    posted_at = time.monotonic()
    response = api.post("/dossiers", json={
        "code": CODE, "procedure_code": "1.004222", "received_at": received.isoformat(),
        "due_at": (received + timedelta(days=9)).isoformat(),
        "applicant": {"name": "Nguyễn Văn An", "phone": "0912345678", "zalo_user_id": citizen["user_id"]}})
    assert response.status_code == 201, response.text

    def notice_sent():
        deliveries = [d for n in api.get(f"/dossiers/{CODE}").json()["notifications"] for d in n["deliveries"]]
        return deliveries and deliveries[0]["state"] in ("sent", "delivered", "seen")

    zalo_sandbox.wait_for(notice_sent, timeout=15, interval=0.05)
    notice_seconds = time.monotonic() - posted_at
    status, during = read_progress(stack, slug, first)
    assert during.waiting > 0, "the broadcast finished before the notice: it proves nothing"
    assert notice_seconds < 10, f"the dossier notice took {notice_seconds:.1f}s behind the broadcast"

    status, final = zalo_sandbox.wait_for(lambda: finished(stack, slug, first), timeout=600, interval=1)
    assert (final.sent, final.failed, final.queued, final.deferred) == (FOLLOWERS, 0, 0, 0)
    sent = promotions(zalo_sandbox, province.oa_id)
    assert len(sent) == FOLLOWERS and len({m.user_id for m in sent}) == FOLLOWERS
    banner = sent[0].body["message"]["attachment"]["payload"]["elements"][0]
    assert banner["type"] == "banner" and banner["attachment_id"] in zalo_sandbox.state.attachments

    newcomers = add_followers(stack, zalo_sandbox, desk, 40)
    second = send_news(stack, desk, "Lịch nghỉ Tết Dương lịch")
    status, report = zalo_sandbox.wait_for(lambda: finished(stack, slug, second), timeout=300, interval=0.5)
    assert (report.sent, report.failed) == (40, 0)
    with stack.app.app_context(), stack.in_tenant(slug):
        broadcast = service.get(str(second))
        assert (broadcast.planned_count, broadcast.skipped_count) == (40, FOLLOWERS)
        db.session.remove()
    later = promotions(zalo_sandbox, province.oa_id)
    assert len(later) == FOLLOWERS + 40
    assert {m.user_id for m in later[FOLLOWERS:]} == set(newcomers)  # nobody got a second one (no -218 either)
