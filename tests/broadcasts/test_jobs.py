"""The per-tenant minute tick: starts scheduled broadcasts when due, hands unfinished planning (a crashed
planner) to a new planner, and settles broadcasts whose messages are all done. The planning job holds a lock
per broadcast so that two planners never work on the same one."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from platform_core.broadcasts import jobs, planning, service
from platform_core.broadcasts.constants import SCHEDULED, SENDING, SENT
from platform_core.db.types import utcnow
from platform_core.delivery.constants import SENT as DELIVERY_SENT
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.jobs import scheduler
from platform_core.jobs.connection import get_redis
from tests.broadcasts.conftest import add_followers, news


@pytest.fixture(autouse=True)
def no_planning_locks(app):
    for key in get_redis().scan_iter("motcua:broadcast-plan:*"):
        get_redis().delete(key)


def test_the_tick_is_a_periodic_job():
    assert ("platform_core.broadcasts.jobs.broadcasts_tick_everywhere", 60) in scheduler.PERIODIC_JOBS
    assert jobs.broadcasts_tick_everywhere.job_spec.cross_tenant


def test_a_scheduled_broadcast_starts_when_due(in_a, admin_a, approver_a):
    add_followers(2)
    broadcast = news(admin_a.user)
    broadcast.scheduled_at = utcnow() + timedelta(minutes=5)
    service.submit(broadcast, admin_a.user)
    service.approve(broadcast, approver_a.user, utcnow())
    db.session.commit()
    assert jobs.broadcasts_tick()["started"] == 0
    assert broadcast.status == SCHEDULED
    broadcast.scheduled_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert jobs.broadcasts_tick() == {"started": 1, "resumed": 1, "settled": 0}
    assert broadcast.status == SENDING and broadcast.notification_id is not None


def test_unfinished_planning_is_resumed_and_finished_broadcasts_settled(sending, monkeypatch):
    monkeypatch.setattr(planning, "PLAN_CHUNK", 2)
    add_followers(5)
    broadcast = sending(now=utcnow())
    planning.plan_chunk(broadcast.id, utcnow(), planning.sending_hours(), 500)  # the planner dies here
    assert jobs.broadcasts_tick()["resumed"] == 1
    get_redis().set(jobs._lock_key(broadcast.id), "1")  # a planner is at work: leave it alone
    assert jobs.broadcasts_tick()["resumed"] == 0
    assert jobs.plan_broadcast(str(broadcast.id)) == 0
    get_redis().delete(jobs._lock_key(broadcast.id))

    assert jobs.plan_broadcast(str(broadcast.id)) == 2  # the remaining 3 followers: 2 + 1
    assert db.session.scalar(select(db.func.count()).select_from(Delivery)) == 5
    assert not get_redis().exists(jobs._lock_key(broadcast.id))
    db.session.execute(update(Delivery).values(state=DELIVERY_SENT))
    db.session.commit()
    assert jobs.broadcasts_tick()["settled"] == 1
    assert broadcast.status == SENT and broadcast.finished_at is not None
