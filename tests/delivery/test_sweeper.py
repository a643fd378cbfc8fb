"""The sweeper tells a dead batch from a slow one by its heartbeat in Redis (delivery/heartbeat.py): a batch whose
heartbeat is gone is sent again at once, a live one never, however old; only when Redis cannot tell (it does not
answer, or it has just restarted) does the 5-minute rule decide. The whole story with real worker processes
killed mid-batch is tests/pipeline/test_killed_worker.py."""

import uuid
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select, update

from platform_core.db.types import utcnow
from platform_core.delivery import batch, heartbeat, pump, sender, sweeper
from platform_core.delivery.constants import CLASS_TX, PENDING, SENDING
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from tests.conftest import as_tenant
from tests.delivery.support import queue_replies


def sending_batch(tenant, count: int = 3, started_ago: timedelta = timedelta(0)) -> str:
    """`count` rows marked `sending` by one batch `started_ago`; returns the batch's claim token."""
    token = uuid.uuid4().hex
    queue_replies(tenant, count, prefix=token[:8])
    with as_tenant(tenant):
        pump.claim(token, CLASS_TX, count, utcnow())
        db.session.execute(update(Delivery).where(Delivery.claim_token == token)
                           .values(state=SENDING, attempts=1, sending_started_at=utcnow() - started_ago))
    return token


def claimed_batch(tenant, count: int) -> str:
    """`count` simulated replies to one citizen (no Zalo connection needed), claimed as one batch."""
    token = uuid.uuid4().hex
    queue_replies(tenant, count, prefix=token[:8])
    with as_tenant(tenant):
        db.session.execute(update(Delivery).values(simulated=True))
        pump.claim(token, CLASS_TX, count, utcnow())
    return token


def states(tenant) -> list[str]:
    with as_tenant(tenant):
        return sorted(db.session.scalars(select(Delivery.state)))


def heartbeats_remembered_for(seconds: float) -> None:
    """Redis has held the heartbeats (this run of it) for `seconds`."""
    connection = get_redis()
    now, _ = connection.time()
    connection.set(heartbeat.SINCE_KEY, f"{connection.info('server')['run_id']} {now - seconds}")


@pytest.fixture(autouse=True)
def no_heartbeats():
    connection = get_redis()
    for key in connection.scan_iter("motcua:delivery:batch:*"):
        connection.delete(key)
    heartbeats_remembered_for(60)


def test_a_batch_whose_heartbeat_is_gone_is_sent_again_at_once(tenant_a):
    sending_batch(tenant_a, 3)
    assert sweeper.sweep_stale(utcnow()) == {"claims_returned": 0, "sends_retried": 3}
    with as_tenant(tenant_a):
        rows = db.session.scalars(select(Delivery)).all()
        assert {(row.state, row.claim_token, row.attempts) for row in rows} == {(PENDING, None, 1)}
        assert all("outcome unknown" in row.error_message for row in rows)


def test_a_live_batch_is_never_taken_however_old(tenant_a):
    token = sending_batch(tenant_a, 3, started_ago=timedelta(hours=1))
    with heartbeat.beating(token):
        assert sweeper.sweep_stale(utcnow())["sends_retried"] == 0
    assert states(tenant_a) == [SENDING] * 3
    assert sweeper.sweep_stale(utcnow())["sends_retried"] == 3  # its heartbeat went with the block


def test_after_a_redis_restart_only_the_five_minute_rule_applies_until_every_live_batch_has_beaten(tenant_a):
    sending_batch(tenant_a, 2)
    sending_batch(tenant_a, 1, started_ago=sweeper.STALE_SENDING + timedelta(seconds=1))
    get_redis().set(heartbeat.SINCE_KEY, f"another-run-id {utcnow().timestamp() - 3600}")  # what a restore leaves
    assert sweeper.sweep_stale(utcnow())["sends_retried"] == 1
    heartbeats_remembered_for(heartbeat.TTL_SECONDS - 1)
    assert sweeper.sweep_stale(utcnow())["sends_retried"] == 0
    heartbeats_remembered_for(heartbeat.TTL_SECONDS)
    assert sweeper.sweep_stale(utcnow())["sends_retried"] == 2


def test_without_redis_only_the_five_minute_rule_applies(tenant_a, monkeypatch):
    sending_batch(tenant_a, 2)
    sending_batch(tenant_a, 1, started_ago=sweeper.STALE_SENDING + timedelta(seconds=1))

    def unavailable(tokens):
        raise redis.ConnectionError("Redis is down")

    monkeypatch.setattr(heartbeat, "check", unavailable)
    assert sweeper.sweep_stale(utcnow())["sends_retried"] == 1
    assert states(tenant_a) == [PENDING, SENDING, SENDING]


def test_a_batch_that_stops_half_way_gives_the_rest_back_at_once(app, tenant_a, monkeypatch):
    """A job that raises mid-batch (an error, RQ's timeout) leaves its rows `sending`: its heartbeat goes with
    it, so the next sweep sends them again rather than five minutes later."""
    token = claimed_batch(tenant_a, 3)

    def interrupted(*args, **kwargs):
        raise TimeoutError("job timed out")

    monkeypatch.setattr(sender, "send_prepared", interrupted)
    with as_tenant(tenant_a), pytest.raises(TimeoutError):
        batch.deliver(token)
    assert states(tenant_a) == [SENDING] * 3
    assert not get_redis().exists(heartbeat.KEY.format(token))
    assert sweeper.sweep_stale(utcnow())["sends_retried"] == 3


def test_a_worker_cut_off_from_redis_stops_sending_before_its_heartbeat_can_expire(app, tenant_a, monkeypatch):
    """The fence: with no successful beat for FENCE_SECONDS, the batch sends no further wave, so that the rows
    the sweeper may give to another worker are not sent by this one too."""
    token = claimed_batch(tenant_a, 3)  # one recipient: three waves
    sent = []

    def send_then_lose_redis(row, *args, **kwargs):
        sent.append(row.id)
        monkeypatch.setattr(heartbeat, "may_send", lambda: False)
        return sender._record_sent(row, f"m-{len(sent)}", utcnow())

    monkeypatch.setattr(sender, "send_prepared", send_then_lose_redis)
    with as_tenant(tenant_a):
        batch.deliver(token)
    assert len(sent) == 1
    assert states(tenant_a) == [SENDING, SENDING, "sent"]
