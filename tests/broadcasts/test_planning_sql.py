"""Planning in SQL (INSERT … SELECT in chunks): it resumes after a planner is killed mid-chunk, never reads or
writes another tenant's rows, keeps Zalo's promotion rules exactly as the rule reads (checked against a
straightforward model of it), counts right, makes proper UUIDv7 ids in the database, and issues the same number
of statements whatever the chunk's size."""

import os
import signal
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text

from platform_core.broadcasts import planning, service
from platform_core.broadcasts.hours import sending_hours
from platform_core.broadcasts.models import Broadcast, PromotionLedger
from platform_core.clock import VIETNAM
from platform_core.db.session import SCOPED_BY_CALLER, scoped_for_insert
from platform_core.db.sql_ids import new_id_sql
from platform_core.db.tenant_context import TenantContextMissing
from platform_core.delivery.constants import CLASS_BULK
from platform_core.delivery.models import Delivery
from platform_core.delivery.policy import set_limits
from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests import factories
from tests.broadcasts.conftest import DAYTIME, add_follower_ids, add_followers, news
from tests.conftest import TEST_ENCRYPTION_KEY, as_tenant

REPO_ROOT = Path(__file__).resolve().parents[2]
DAY_ONE = date(2026, 11, 27)  # DAYTIME's Vietnam day


def planned() -> dict:
    """{zalo user id: (ledger day, delivery due)} for every delivery of the tenant in context."""
    days = dict(db.session.execute(select(PromotionLedger.zalo_user_id, PromotionLedger.local_date)).all())
    return {user: (days.get(user), due) for user, due in
            db.session.execute(select(Delivery.recipient_zalo_user_id, Delivery.next_attempt_at))}


def opening(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time().replace(hour=6), tzinfo=VIETNAM)


def reference_plan(users: list[str], taken: dict, cap: int, first: date = DAY_ONE) -> dict:
    """The rule as it reads, one citizen at a time in id order: the first day from `first` whose ledger has
    room; a citizen already given a promotion that day is skipped (and uses no room)."""
    used = {day: len(names) for day, names in taken.items()}
    result = {}
    for user in users:
        day = first
        while used.get(day, 0) >= cap:
            day += timedelta(days=1)
        if user in taken.get(day, ()):
            continue
        used[day] = used.get(day, 0) + 1
        result[user] = (day, DAYTIME if day == first else opening(day))
    return result


def give_earlier_promotions(taken: dict) -> None:
    """Ledger rows of an earlier broadcast: {day: [zalo user ids]}."""
    earlier = uuid.uuid4()
    for day, users in taken.items():
        db.session.add_all(PromotionLedger(local_date=day, zalo_user_id=user, broadcast_id=earlier) for user in users)
    db.session.flush()


def test_the_rules_hold_across_chunks_days_and_earlier_promotions(sending, monkeypatch):
    """Chunks of 5, a cap of 4 a day, citizens already given a promotion on the first two days by an earlier
    broadcast (some on the day they would land on, some not), and followers without consent in between."""
    monkeypatch.setattr(planning, "PLAN_CHUNK", 5)
    set_limits(CLASS_BULK, per_minute=600, burst=20, daily_cap=4)
    users = []
    for number in range(27):
        agreed = number % 7 != 4  # followers without consent in between: never planned, never counted
        add_follower_ids([f"u{number:06d}"], consent=agreed)
        users += [f"u{number:06d}"] if agreed else []
    taken = {DAY_ONE: ["u000001", "x-not-a-follower"],
             DAY_ONE + timedelta(days=1): ["u000003", "u000007", "u000021"]}
    give_earlier_promotions(taken)
    broadcast = sending()

    planning.plan(broadcast.id, now=DAYTIME)

    expected = reference_plan(users, taken, cap=4)
    assert planned() == expected
    assert set(users) - set(expected) == {"u000001", "u000003"}  # skipped on the day they land on
    db.session.refresh(broadcast)
    assert (broadcast.planned_count, broadcast.skipped_count) == (len(expected), len(users) - len(expected))
    per_day = dict(db.session.execute(select(PromotionLedger.local_date, func.count())
                                      .group_by(PromotionLedger.local_date)).all())
    assert max(per_day.values()) == 4  # the cap, counting the earlier broadcast's rows
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == len(expected)


def test_another_tenants_followers_consent_and_ledger_are_never_read_nor_written(sending, tenant_a, tenant_b):
    """Tenant B's follower, consent and ledger rows use the same Zalo user ids as tenant A's: none of them may
    change what A plans, and nothing is written for B."""
    add_followers(3, prefix="a")
    add_followers(2, prefix="shared", consent=False)  # A's followers who never agreed
    with as_tenant(tenant_b):
        add_followers(2, prefix="shared")  # ... B's citizens with the same ids did
        add_followers(4, prefix="b")
        give_earlier_promotions({DAY_ONE: ["a000000"]})  # B's ledger, A's user id
        b_rows = db.session.scalar(select(func.count()).select_from(PromotionLedger))
    broadcast = sending()

    planning.plan(broadcast.id, now=DAYTIME)

    assert sorted(planned()) == ["a000000", "a000001", "a000002"]
    assert {row.tenant_id for row in db.session.scalars(select(Delivery))} == {tenant_a.id}
    assert {row.tenant_id for row in db.session.scalars(select(PromotionLedger))} == {tenant_a.id}
    db.session.refresh(broadcast)
    assert (broadcast.planned_count, broadcast.skipped_count) == (3, 0)
    with as_tenant(tenant_b):
        assert db.session.scalar(select(func.count()).select_from(Delivery)) == 0
        assert db.session.scalar(select(func.count()).select_from(PromotionLedger)) == b_rows


def test_an_insert_select_needs_a_tenant_in_context(app):
    with app.app_context(), pytest.raises(TenantContextMissing):
        scoped_for_insert(PromotionLedger, ["zalo_user_id"], select(Follower.zalo_user_id))


def test_ids_made_in_sql_are_uuidv7_of_the_moment_each_its_own(sending, is_postgres):
    add_followers(50)
    before = datetime.now(UTC)
    planning.plan(sending().id, now=DAYTIME)
    after = datetime.now(UTC)
    ids = [*db.session.scalars(select(Delivery.id)), *db.session.scalars(select(PromotionLedger.id))]
    assert len(ids) == len(set(ids)) == 100
    assert {(value.version, value.variant) for value in ids} == {(7, uuid.RFC_4122)}
    stamps = {datetime.fromtimestamp(int(value.hex[:12], 16) / 1000, UTC) for value in ids}
    assert before - timedelta(seconds=1) <= min(stamps) and max(stamps) <= after + timedelta(seconds=1)
    assert db.session.scalar(select(new_id_sql())).version == 7  # also read back alone, in the column's form


def statements_for_one_chunk(broadcast_id) -> int:
    count = 0

    def counted(*_):
        nonlocal count
        count += 1

    engine = db.session.get_bind().engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        planning.plan_chunk(broadcast_id, DAYTIME, sending_hours(), 10**6)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


def test_a_chunk_costs_the_same_statements_whatever_its_size(sending, admin_a, monkeypatch):
    add_followers(200)
    small, large = sending(), sending(news(admin_a.user, title="Lớn"))
    monkeypatch.setattr(planning, "PLAN_CHUNK", 10)
    at_ten = statements_for_one_chunk(small.id)
    monkeypatch.setattr(planning, "PLAN_CHUNK", 150)
    assert statements_for_one_chunk(large.id) == at_ten
    # 10 + 150, less the 10 the first broadcast already gave that day's promotion
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 150


KILLED_PLANNER = textwrap.dedent("""
    import os, signal, sys, uuid
    from datetime import datetime, UTC
    from platform_core import create_app
    from platform_core.broadcasts import planning, service
    from platform_core.db.tenant_context import TenantRef, tenant_context

    broadcast_id, tenant_id, kill_at = uuid.UUID(sys.argv[1]), uuid.UUID(sys.argv[2]), int(sys.argv[3])
    planning.PLAN_CHUNK = 4
    write_deliveries, calls = planning._write_deliveries, []

    def dies_mid_chunk(*args):
        calls.append(1)
        if len(calls) == kill_at:  # the chunk's ledger rows are written, its deliveries not yet
            os.kill(os.getpid(), signal.SIGKILL)
        write_deliveries(*args)

    planning._write_deliveries = dies_mid_chunk
    with create_app().app_context(), tenant_context(TenantRef(tenant_id, "bac-ninh")):
        planning.plan(broadcast_id, now=datetime(2026, 11, 27, 3, 0, tzinfo=UTC))
""")


def test_a_planner_killed_mid_chunk_loses_nothing_and_plans_nobody_twice(app_config, committed_data, tenant_a):
    """A real process, SIGKILLed between the ledger rows and the deliveries of its second chunk."""
    with as_tenant(tenant_a):
        author, approver = (factories.create_user(f"{name}@bac-ninh.test", tenant=tenant_a, role="admin")
                            for name in ("author", "approver"))
        users = add_followers(10)
        broadcast = news(author)
        service.submit(broadcast, author)
        service.approve(broadcast, approver, DAYTIME)
        service.send_now(broadcast, approver, DAYTIME)
        db.session.commit()
        killed_mid_chunk(app_config, broadcast, tenant_a)
        resumed(broadcast, tenant_a, users)


def killed_mid_chunk(app_config, broadcast, tenant_a) -> None:
    env = os.environ | {"DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": app_config["REDIS_URL"],
                        "DATABASE_OWNER_URL": app_config["DATABASE_OWNER_URL"], "SECRET_KEY": "test-secret-key",
                        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY, "MOTCUA_INSTANCE_PATH": app_config["INSTANCE_PATH"]}
    killed = subprocess.run([sys.executable, "-c", KILLED_PLANNER, str(broadcast.id), str(tenant_a.id), "2"],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-3000:]


def resumed(broadcast, tenant_a, users) -> None:
    db.session.rollback()  # see what the killed planner committed
    saved = db.session.get(Broadcast, (tenant_a.id, broadcast.id))
    assert (saved.planned_count, saved.planning_done_at) == (4, None)  # its first chunk only
    assert len(planned()) == 4 and db.session.scalar(select(func.count()).select_from(PromotionLedger)) == 4

    planning.plan(broadcast.id, now=DAYTIME)  # the next tick's planner

    assert sorted(planned()) == users
    assert db.session.scalar(select(func.count()).select_from(PromotionLedger)) == 10
    db.session.refresh(saved)
    assert (saved.planned_count, saved.skipped_count) == (10, 0) and saved.planning_done_at is not None


def test_followers_planned_are_the_consenting_ones_in_id_order_across_chunk_edges(sending, monkeypatch):
    monkeypatch.setattr(planning, "PLAN_CHUNK", 3)
    mixed = [f"m{number:03d}" for number in range(11)]
    for user in mixed:
        add_follower_ids([user], consent=int(user[1:]) % 3 != 1)
    planning.plan(sending().id, now=DAYTIME)
    assert sorted(planned()) == [user for user in mixed if int(user[1:]) % 3 != 1]


def test_on_postgresql_the_planning_statements_are_planned_for_their_values(sending, is_postgres, monkeypatch):
    """A generic plan, made without the day and range, compared every follower of a chunk with every ledger row of
    the day (db/plans.py): each chunk's transaction asks for plans made for the values."""
    if not is_postgres:
        pytest.skip("SQLite plans every statement for its values")
    add_followers(12)
    monkeypatch.setattr(planning, "PLAN_CHUNK", 5)
    modes, last_of_day = [], planning.ledger.last_of_day

    def noting_the_mode(*args):
        modes.append(db.session.scalar(text("SHOW plan_cache_mode")))
        return last_of_day(*args)

    monkeypatch.setattr(planning.ledger, "last_of_day", noting_the_mode)
    planning.plan(sending().id, now=DAYTIME)
    assert len(modes) >= 3 and set(modes) == {"force_custom_plan"}  # one or more per chunk


def test_on_postgresql_each_follower_is_looked_up_not_joined(sending, is_postgres):
    """The audience's consent check and the ledger's day check are scalar subqueries: PostgreSQL plans them as a
    lookup per follower (a SubPlan). EXISTS would be turned into a join planned from the tables' statistics,
    which at 100,000 consents read all of them for every chunk (citizens/consent.has_active_grant)."""
    if not is_postgres:
        pytest.skip("SQLite runs every subquery per row")
    add_followers(3)
    everyone = planning.audience.in_range({"kind": "all"}, None, uuid.UUID(int=2**128 - 1))
    statement = select(Follower.id).where(*everyone, planning.ledger.promotion_on(DAY_ONE).is_(None))
    compiled = statement.compile(db.session.get_bind(), compile_kwargs={"literal_binds": True})
    explain = text(f"EXPLAIN {compiled}").execution_options(**{SCOPED_BY_CALLER: True})  # only a plan is read
    plan = "\n".join(db.session.scalars(explain))
    assert "Join" not in plan, plan
    assert "SubPlan 1" in plan and "SubPlan 2" in plan, plan
