"""Planning a broadcast in chunks (resumable), within Zalo's promotion rules: followers only, one promotion
per citizen per Vietnam day, 06:00-21:59 (deferred, never dropped), the OA's daily cap."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from platform_core.broadcasts import audience, planning, progress, service
from platform_core.broadcasts.constants import CANCELLED, PARTIALLY_FAILED, SENDING, SENT
from platform_core.broadcasts.hours import Hours, sending_hours, zalo_daily_cap
from platform_core.broadcasts.models import Broadcast, PromotionLedger
from platform_core.citizens import consent
from platform_core.citizens.constants import METHOD_ZALO_CHAT, PURPOSE_NEWS
from platform_core.clock import VIETNAM
from platform_core.delivery import guest_list
from platform_core.delivery.constants import CLASS_BULK, FAILED, PENDING
from platform_core.delivery.constants import SENT as DELIVERY_SENT
from platform_core.delivery.errors_plain import explain
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.policy import set_limits
from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests import factories
from tests.broadcasts.conftest import DAYTIME, add_follower_ids, add_followers, news
from tests.conftest import as_tenant

NIGHT = datetime(2026, 11, 27, 15, 30, tzinfo=UTC)  # 22:30 in Vietnam
DAWN = datetime(2026, 11, 27, 21, 0, tzinfo=UTC)  # 04:00 on the 28th in Vietnam


def deliveries():
    return list(db.session.scalars(select(Delivery).order_by(Delivery.recipient_zalo_user_id)))


def ledger_days() -> dict:
    return dict(db.session.execute(select(PromotionLedger.local_date, func.count())
                                   .group_by(PromotionLedger.local_date)).all())


def test_every_follower_gets_one_bulk_delivery_of_the_broadcasts_single_notification(sending, monkeypatch):
    monkeypatch.setattr(planning, "PLAN_CHUNK", 4)
    users = add_followers(10)
    broadcast = sending()
    assert planning.plan(broadcast.id, now=DAYTIME) == 3  # 4 + 4 + 2
    rows = deliveries()
    assert [row.recipient_zalo_user_id for row in rows] == users
    assert {row.notification_id for row in rows} == {broadcast.notification_id}
    assert {(row.message_class, row.state, row.next_attempt_at) for row in rows} == {(CLASS_BULK, PENDING, DAYTIME)}
    notification = db.session.scalar(select(Notification))
    assert notification.context["promotion"] is True and notification.context["header"] == broadcast.title
    db.session.refresh(broadcast)
    assert (broadcast.planned_count, broadcast.skipped_count) == (10, 0)
    assert broadcast.planning_done_at is not None
    assert ledger_days() == {date(2026, 11, 27): 10}


def test_planning_resumes_after_a_crash_from_the_saved_cursor(sending, monkeypatch):
    monkeypatch.setattr(planning, "PLAN_CHUNK", 4)
    users = add_followers(10)
    broadcast = sending()
    hours = sending_hours()
    assert planning.plan_chunk(broadcast.id, DAYTIME, hours, 500)  # then the worker dies
    db.session.refresh(broadcast)
    assert broadcast.planned_count == 4 and broadcast.planning_done_at is None
    assert broadcast.plan_cursor == str(db.session.scalar(
        select(Follower.id).where(Follower.zalo_user_id == users[3])))

    planning.plan(broadcast.id, now=DAYTIME)  # the tick's new planner
    assert [row.recipient_zalo_user_id for row in deliveries()] == users  # each once, none lost
    db.session.refresh(broadcast)
    assert broadcast.planned_count == 10


def test_non_followers_and_anonymised_citizens_are_never_planned(sending, monkeypatch):
    add_followers(3, prefix="f")
    add_followers(2, prefix="gone", is_follower=False)
    add_followers(1, prefix="erased", anonymised_at=DAYTIME)
    assert audience.estimate({"kind": "all"}) == 3
    planning.plan(sending().id, now=DAYTIME)
    assert {row.recipient_zalo_user_id for row in deliveries()} == {"f000000", "f000001", "f000002"}


def test_only_followers_who_agreed_to_policy_news_are_planned(sending):
    add_followers(3)
    add_followers(2, prefix="never-asked", consent=False)
    consent.withdraw(PURPOSE_NEWS, method=METHOD_ZALO_CHAT, zalo_user_id="u000001")
    assert audience.estimate({"kind": "all"}) == 2
    planning.plan(sending().id, now=DAYTIME)
    assert [row.recipient_zalo_user_id for row in deliveries()] == ["u000000", "u000002"]


def test_a_province_in_trial_plans_only_its_team_and_guest_list(sending, admin_a, tenant_a, tenant_b):
    """Outsiders would be refused at send time one by one and count as failures: they are never planned."""
    broadcast = sending()
    add_followers(3, prefix="outsider")
    staff, former_staff, guest_by_id, guest_by_phone = "5550000000000001", "5550000000000002", "5550000000000003", \
        "5550000000000004"
    add_follower_ids([staff], staff_user_id=admin_a.user.id)
    add_follower_ids([former_staff], staff_user_id=factories.create_user("left@motcua.test").id)
    add_follower_ids([guest_by_id])
    add_follower_ids([guest_by_phone], phone_e164="+84912345678")
    add_follower_ids(["5550000000000005"])  # on the other province's guest list only
    guest_list.add("Chị Hoa", zalo_user_id=guest_by_id)
    guest_list.add("Anh Nam", phone="0912345678")
    with as_tenant(tenant_b):
        guest_list.add("Another province's guest", zalo_user_id="5550000000000005")
    tenant_a.status = "trial"
    db.session.flush()
    assert audience.estimate({"kind": "all"}) == 3
    planning.plan(broadcast.id, now=DAYTIME)
    assert [row.recipient_zalo_user_id for row in deliveries()] == [staff, guest_by_id, guest_by_phone]
    tenant_a.status = "live"
    db.session.flush()
    assert audience.estimate({"kind": "all"}) == 8


def test_a_second_broadcast_the_same_day_skips_citizens_already_messaged(sending, admin_a):
    add_followers(3)
    planning.plan(sending().id, now=DAYTIME)
    add_followers(2, prefix="new")
    second = sending(news(admin_a.user, title="Thông báo nghỉ lễ"))
    planning.plan(second.id, now=DAYTIME + timedelta(hours=2))
    db.session.refresh(second)
    assert (second.planned_count, second.skipped_count) == (2, 3)
    second_rows = db.session.scalars(select(Delivery.recipient_zalo_user_id)
                                     .where(Delivery.notification_id == second.notification_id)).all()
    assert sorted(second_rows) == ["new000000", "new000001"]

    third = sending(news(admin_a.user, title="Ngày hôm sau"))
    planning.plan(third.id, now=DAYTIME + timedelta(days=1))  # a new Vietnam day: everyone again
    db.session.refresh(third)
    assert (third.planned_count, third.skipped_count) == (5, 0)


@pytest.mark.parametrize(("now", "due"), [
    (NIGHT, datetime(2026, 11, 28, 6, 0, tzinfo=VIETNAM)),
    (DAWN, datetime(2026, 11, 28, 6, 0, tzinfo=VIETNAM)),
])
def test_a_broadcast_outside_sending_hours_is_deferred_to_06_00_not_dropped(sending, now, due):
    add_followers(3)
    broadcast = sending(now=now)
    planning.plan(broadcast.id, now=now)
    rows = deliveries()
    assert len(rows) == 3
    assert {(row.state, row.next_attempt_at) for row in rows} == {(PENDING, due)}
    assert ledger_days() == {date(2026, 11, 28): 3}  # the day they go out
    assert progress.progress(broadcast, now) == progress.Progress(deferred=3)


def test_the_oa_daily_cap_defers_the_rest_to_the_next_day(sending):
    set_limits(CLASS_BULK, per_minute=600, burst=20, daily_cap=3)
    add_followers(7)
    planning.plan(sending().id, now=DAYTIME)
    due = [row.next_attempt_at for row in deliveries()]
    assert due == [DAYTIME] * 3 + [datetime(2026, 11, 28, 6, 0, tzinfo=VIETNAM)] * 3 + \
        [datetime(2026, 11, 29, 6, 0, tzinfo=VIETNAM)]
    assert ledger_days() == {date(2026, 11, 27): 3, date(2026, 11, 28): 3, date(2026, 11, 29): 1}


def test_zalos_daily_cap_rule():
    assert zalo_daily_cap(5_000) == 500
    assert zalo_daily_cap(10_000) == 500
    assert zalo_daily_cap(100_000) == 5_000


def test_sending_hours():
    hours = Hours(6, 22)
    assert hours.first_day(NIGHT) == date(2026, 11, 28)
    assert hours.first_day(DAYTIME) == date(2026, 11, 27)
    assert hours.due_at(date(2026, 11, 27), DAYTIME) == DAYTIME


def test_cancel_mid_way_stops_planning_and_every_waiting_delivery(app, sending, admin_a, monkeypatch):
    monkeypatch.setattr(planning, "PLAN_CHUNK", 4)
    add_followers(10)
    broadcast = sending()
    planning.plan_chunk(broadcast.id, DAYTIME, sending_hours(), 500)
    first = db.session.scalar(select(Delivery).order_by(Delivery.recipient_zalo_user_id))
    first.state = DELIVERY_SENT
    db.session.commit()
    assert service.cancel(broadcast, admin_a.user, DAYTIME) == 3
    db.session.commit()
    assert planning.plan(broadcast.id, now=DAYTIME) == 0  # planning stops
    assert len(deliveries()) == 4
    assert progress.progress(broadcast, DAYTIME) == progress.Progress(sent=1, cancelled=3)
    assert broadcast.status == CANCELLED
    assert progress.failures(broadcast) == []  # cancelled is not a failure
    cancelled = deliveries()[-1]
    with app.test_request_context("/?lang=en"):  # as the deliveries page explains it
        assert explain(cancelled).what == "An administrator cancelled the policy news before this message was sent."


def test_the_report_counts_by_state_and_explains_failures_by_zalo_error(app, sending):
    add_followers(6)
    broadcast = sending()
    planning.plan(broadcast.id, now=DAYTIME)
    ids = [row.id for row in deliveries()]
    db.session.execute(update(Delivery).where(Delivery.id.in_(ids[:3])).values(state=DELIVERY_SENT))
    db.session.execute(update(Delivery).where(Delivery.id.in_(ids[3:5])).values(state=FAILED, error_code=-213))
    db.session.execute(update(Delivery).where(Delivery.id == ids[5]).values(state=FAILED, error_code=-227))
    current = progress.progress(broadcast, DAYTIME)
    assert current == progress.Progress(sent=3, failed=3)
    assert current.percent_done == 100
    assert progress.settle(broadcast, current, DAYTIME)
    assert broadcast.status == PARTIALLY_FAILED
    with app.test_request_context("/?lang=en"):
        groups = progress.failures(broadcast)
    assert [(group.code, group.count) for group in groups] == [(-213, 2), (-227, 1)]
    assert "does not follow the OA" in groups[0].what


def test_a_broadcast_whose_messages_all_went_is_sent(sending):
    add_followers(2)
    broadcast = sending()
    planning.plan(broadcast.id, now=DAYTIME)
    assert not progress.settle(broadcast, progress.progress(broadcast, DAYTIME), DAYTIME)  # still queued
    db.session.execute(update(Delivery).values(state=DELIVERY_SENT))
    assert progress.settle(broadcast, progress.progress(broadcast, DAYTIME), DAYTIME)
    assert broadcast.status == SENT


def test_planning_only_touches_a_broadcast_that_is_sending(in_a, admin_a):
    add_followers(2)
    draft = news(admin_a.user)
    db.session.commit()
    assert planning.plan(draft.id, now=DAYTIME) == 0
    assert deliveries() == []
    assert db.session.get(Broadcast, (in_a.id, draft.id)).status != SENDING
