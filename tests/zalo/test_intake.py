"""The intake (zalo/intake.py): stored webhook events are claimed in batches per lane, fairly across provinces,
each batch processed by one job in the citizens' order; a lost claim is claimed again; nothing is lost."""

from datetime import timedelta

from sqlalchemy import event, func, select

from platform_core.db.types import utcnow
from platform_core.delivery.models import Notification
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_ZALO_EVENTS
from platform_core.zalo import events, intake, jobs
from platform_core.zalo.models import ZaloEvent
from tests import factories
from tests.conftest import as_tenant
from tests.zalo.conftest import connect, signed, user_text

URL = "/zalo/webhook/bac-ninh"


def post(client, n: int, user_id: str = "8000001", slug: str = "bac-ninh", oa_id: str = "3003001") -> None:
    body = user_text(text=f"tin nhắn {n}", user_id=user_id, oa_id=oa_id, msg_id=f"{slug}-{user_id}-{n}")
    if slug == "da-nang":
        body["app_id"] = "1001002"
    raw, headers = signed(body, slug=slug)
    assert client.post(f"/zalo/webhook/{slug}", data=raw, headers=headers).status_code == 200


def claims(tenant) -> dict[str, int]:
    with as_tenant(tenant):
        rows = db.session.execute(select(ZaloEvent.claim_token, func.count()).where(ZaloEvent.claim_token.is_not(None))
                                  .group_by(ZaloEvent.claim_token)).all()
    return dict(rows)


def queued_tokens() -> list[str]:
    return [job.args[0] for job in open_queue(QUEUE_ZALO_EVENTS).jobs]


def test_the_webhook_stores_the_lane_and_queues_nothing(client, connected_a, tenant_a):
    open_queue(QUEUE_ZALO_EVENTS).empty()
    post(client, 1, user_id="8000007")
    with as_tenant(tenant_a):
        [stored] = db.session.scalars(select(ZaloEvent)).all()
    assert stored.lane == intake.lane_of("8000007") and stored.claim_token is None
    assert queued_tokens() == []


def test_a_tick_claims_a_batch_per_free_lane_up_to_the_provinces_cap(client, connected_a, tenant_a):
    open_queue(QUEUE_ZALO_EVENTS).empty()
    users = [f"80{n:05d}" for n in range(40)]
    for n, user in enumerate(users * 2):
        post(client, n, user_id=user)
    lanes_waiting = len({intake.lane_of(user) for user in users})
    assert lanes_waiting > intake.MAX_BUSY_LANES
    claimed = intake.tick()
    batches = claims(tenant_a)
    assert len(batches) == intake.MAX_BUSY_LANES and claimed == sum(batches.values())
    assert all(size <= intake.EVENT_BATCH for size in batches.values())
    assert sorted(queued_tokens()) == sorted(batches)
    assert intake.tick() == 0  # both batches still at work: the province's share of the workers
    open_queue(QUEUE_ZALO_EVENTS).empty()


def test_one_tick_claims_for_every_province_in_the_same_few_statements(client, connected_a, tenant_a):
    open_queue(QUEUE_ZALO_EVENTS).empty()
    post(client, 1)

    def statements_of_a_tick() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert intake.tick() > 0
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    few = statements_of_a_tick()
    for n in range(5):
        tenant = factories.create_tenant(f"tinh-{n}", f"Tỉnh {n}")
        with as_tenant(tenant):
            for user in range(8):
                db.session.add(ZaloEvent(event_key=f"k-{user}", event_name="user_send_text", raw_body="{}",
                                         zalo_user_id=str(user), lane=intake.lane_of(str(user))))
            db.session.flush()
    many = statements_of_a_tick()
    assert many == few, f"{few} statements for one province, {many} for six"
    open_queue(QUEUE_ZALO_EVENTS).empty()


def test_a_batch_is_processed_in_the_citizens_order_in_one_job(client, connected_a, tenant_a, monkeypatch):
    open_queue(QUEUE_ZALO_EVENTS).empty()
    for n in range(3):
        post(client, n, user_id="8000009")
    seen = []
    original = events._handlers["user_send_text"]
    monkeypatch.setitem(events._handlers, "user_send_text",
                        lambda event, body: seen.append(body["message"]["text"]) or original(event, body))
    intake.tick()
    [token] = queued_tokens()
    with as_tenant(tenant_a):
        assert jobs.process_events(token) == {"processed": 3, "failed": 0}
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 3  # the bot answered each
    assert seen == ["tin nhắn 0", "tin nhắn 1", "tin nhắn 2"]
    open_queue(QUEUE_ZALO_EVENTS).empty()


def test_a_failing_event_is_rolled_back_alone_and_handed_to_retries(client, connected_a, tenant_a, monkeypatch):
    open_queue(QUEUE_ZALO_EVENTS).empty()
    for n in range(3):
        post(client, n, user_id="8000009")
    original = events._handlers["user_send_text"]

    def handler(event, body):
        result = original(event, body)  # writes the answer, then fails: the answer must not stay
        if body["message"]["text"] == "tin nhắn 1":
            raise RuntimeError("boom")
        return result

    monkeypatch.setitem(events._handlers, "user_send_text", handler)
    intake.tick()
    [token] = queued_tokens()
    with as_tenant(tenant_a):
        assert jobs.process_events(token) == {"processed": 2, "failed": 1}
        stored = {e.raw_body.split('"text": "')[1].split('"')[0]: e for e in db.session.scalars(select(ZaloEvent))}
        assert stored["tin nhắn 1"].error == "RuntimeError: boom" and stored["tin nhắn 1"].status == "received"
        assert stored["tin nhắn 2"].status == "processed"
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 2
    retried = open_queue("default").jobs
    assert [job.args[0] for job in retried if job.func_name.endswith("process_event")] == [str(stored["tin nhắn 1"].id)]
    open_queue("default").empty()
    open_queue(QUEUE_ZALO_EVENTS).empty()


def test_a_lost_claim_is_claimed_again_once_stale(client, connected_a, tenant_a):
    """Redis lost the job, or its worker died: the events are not lost, only late by STALE_CLAIM."""
    open_queue(QUEUE_ZALO_EVENTS).empty()
    post(client, 1)
    intake.tick()
    open_queue(QUEUE_ZALO_EVENTS).empty()  # the job is gone
    assert intake.tick() == 0
    assert intake.tick(now=utcnow() + intake.STALE_CLAIM + timedelta(seconds=1)) == 1
    [token] = queued_tokens()
    with as_tenant(tenant_a):
        assert jobs.process_events(token) == {"processed": 1, "failed": 0}
    open_queue(QUEUE_ZALO_EVENTS).empty()


def test_a_stale_job_finds_its_events_taken_and_does_nothing(client, connected_a, tenant_a):
    open_queue(QUEUE_ZALO_EVENTS).empty()
    post(client, 1)
    intake.tick()
    [first] = queued_tokens()
    intake.tick(now=utcnow() + intake.STALE_CLAIM + timedelta(seconds=1))
    [second] = [token for token in queued_tokens() if token != first]
    with as_tenant(tenant_a):
        assert jobs.process_events(first) == {"processed": 0, "failed": 0}
        assert jobs.process_events(second) == {"processed": 1, "failed": 0}
    open_queue(QUEUE_ZALO_EVENTS).empty()


def test_provinces_are_queued_round_robin(client, connected_a, tenant_a, tenant_b):
    connect(tenant_b)
    open_queue(QUEUE_ZALO_EVENTS).empty()
    for n in range(60):
        post(client, n, user_id=f"81{n:05d}")
    post(client, 1, user_id="8200001", slug="da-nang", oa_id="3003002")
    intake.tick()
    owners = [job.meta["tenant_id"] for job in open_queue(QUEUE_ZALO_EVENTS).jobs]
    assert sorted(owners[:2]) == sorted([str(tenant_a.id), str(tenant_b.id)])  # Đà Nẵng is not behind Bắc Ninh
    assert owners.count(str(tenant_a.id)) == intake.MAX_BUSY_LANES
    open_queue(QUEUE_ZALO_EVENTS).empty()


def test_the_lanes_waiting_longest_are_claimed_first(connected_a, tenant_a):
    """A province's busiest lanes do not keep its other citizens waiting: free lanes go oldest event first."""
    open_queue(QUEUE_ZALO_EVENTS).empty()
    users = {}
    for n in range(200):  # one citizen per lane
        users.setdefault(intake.lane_of(f"lane-user-{n}"), f"lane-user-{n}")
    assert len(users) == intake.LANES
    start = utcnow() - timedelta(minutes=10)
    with as_tenant(tenant_a):
        for age, lane in enumerate(sorted(users, reverse=True)):  # the highest lane has the oldest event
            db.session.add(ZaloEvent(event_key=f"old-{lane}", event_name="user_send_text", raw_body="{}",
                                     zalo_user_id=users[lane], lane=lane, received_at=start + timedelta(seconds=age)))
        db.session.flush()
    intake.tick()
    with as_tenant(tenant_a):
        claimed = set(db.session.scalars(select(ZaloEvent.lane).where(ZaloEvent.claim_token.is_not(None))))
    assert claimed == set(sorted(users, reverse=True)[:intake.MAX_BUSY_LANES])
    open_queue(QUEUE_ZALO_EVENTS).empty()


def test_a_province_with_no_batch_at_work_is_queued_before_the_batches_waiting(client, connected_a, tenant_a,
                                                                                 tenant_b):
    """Đà Nẵng's citizen waits for a free worker, not behind the batches Bắc Ninh's burst has waiting."""
    connect(tenant_b)
    open_queue(QUEUE_ZALO_EVENTS).empty()
    for n in range(60):
        post(client, n, user_id=f"83{n:05d}")
    intake.tick()  # Bắc Ninh's two batches wait in the queue
    post(client, 1, user_id="8400001", slug="da-nang", oa_id="3003002")
    intake.tick()
    owners = [job.meta["tenant_id"] for job in open_queue(QUEUE_ZALO_EVENTS).jobs]
    assert owners == [str(tenant_b.id), str(tenant_a.id), str(tenant_a.id)]
    open_queue(QUEUE_ZALO_EVENTS).empty()
