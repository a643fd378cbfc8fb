"""The batch sender pays per batch: its SQL statements do not grow with the number of rows, every row still
reaches the sandbox over HTTP, and an expired token is refreshed once for the whole batch."""

import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from platform_core.db.types import utcnow
from platform_core.delivery import batch, pump, zalo_rate
from platform_core.delivery.composed import ComposedMessage
from platform_core.delivery.constants import CLASS_TX, SENT
from platform_core.delivery.models import Delivery
from platform_core.delivery.outbox import send_composed, send_reply
from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests import factories
from tests.conftest import as_tenant
from tests.sql_statements import recorded_statements
from tests.zalo.conftest import connect_to_sandbox, sandbox  # noqa: F401 - the fixture


def queue_mixed(tenant, sandbox, seeded, count: int, prefix: str) -> None:  # noqa: F811 - the fixture's name
    """`count` citizens who wrote to the OA today, each sent a bot reply and a composed message."""
    with as_tenant(tenant):
        for n in range(count):
            user = sandbox.add_user(seeded.app_id, display_name=f"Công dân {n}", last_interaction="now")
            db.session.add(Follower(zalo_user_id=user["user_id"], last_interaction_at=datetime.now(UTC)))
            send_reply(user["user_id"], f"Tin {n}", idempotency_key=f"{prefix}-reply-{n}")
            send_composed(ComposedMessage(text=f"Đã nhận phản ánh {n}", header="Phản ánh", code_label="Mã",
                                          code=f"PA-{n}"),
                          event_kind="feedback_ack", idempotency_key=f"{prefix}-ack-{n}",
                          zalo_user_id=user["user_id"])
        db.session.flush()


def queue_dossier_notices(tenant, sandbox, seeded, count: int, prefix: str) -> None:  # noqa: F811
    """`count` dossiers received for citizens who wrote to the OA today: one templated transaction card each,
    the template's first version made by the first batch that needs it."""
    with as_tenant(tenant):  # the seeded provinces have procedure 1.004222 (factories.DOSSIER_DEFAULTS)
        for n, user_id in enumerate(sandbox.add_users(seeded.app_id, count, last_interaction="now")):
            db.session.add(Follower(zalo_user_id=user_id, last_interaction_at=datetime.now(UTC)))
            applicant = {"name": f"Công dân {n}", "phone": f"09{n:08d}", "zalo_user_id": user_id}
            factories.create_dossier(f"H01.{prefix}-{n:04d}", applicant=applicant)
        db.session.flush()


def statements_to_send(tenant, app) -> tuple[int, dict]:
    """Claim everything due, then count the statements the batch sends issue."""
    token = uuid.uuid4().hex
    with as_tenant(tenant):
        pump.claim(token, CLASS_TX, 10_000, utcnow())
    with recorded_statements(db.engine) as seen, as_tenant(tenant):
        states = batch.deliver(token)
    return len(seen), states


def small_and_large_batches(app, sandbox, tenant_a, tenant_b, queue, small_count: int, large_count: int):  # noqa: F811
    """`queue` `small_count` citizens' messages for tenant A and `large_count` for tenant B, each province on its
    own sandbox OA, then send each tenant's as one batch: ((statements, states) of A, (statements, states) of B)."""
    for tenant, count, prefix in ((tenant_a, small_count, "small"), (tenant_b, large_count, "large")):
        seeded, _ = connect_to_sandbox(tenant, sandbox)
        queue(tenant, sandbox, seeded, count, prefix)
    return statements_to_send(tenant_a, app), statements_to_send(tenant_b, app)


def test_a_batch_issues_the_same_statements_whatever_its_size(app, sandbox, tenant_a, tenant_b):  # noqa: F811
    (small, small_states), (large, large_states) = small_and_large_batches(app, sandbox, tenant_a, tenant_b,
                                                                           queue_mixed, 2, 20)
    assert small_states == {SENT: 4} and large_states == {SENT: 40}
    assert large == small, f"{small} statements for 4 rows, {large} for 40"
    with as_tenant(tenant_b):
        ids = db.session.scalars(select(Delivery.provider_message_id)).all()
    assert len(set(ids)) == 40 and all(ids)


def test_an_expired_token_is_refreshed_once_for_the_batch(app, sandbox, tenant_a):  # noqa: F811
    seeded, tokens = connect_to_sandbox(tenant_a, sandbox)
    queue_mixed(tenant_a, sandbox, seeded, 5, "auth")
    sandbox.revoke(seeded.app_id, kind="access")  # Zalo refuses the token our row still thinks good
    sandbox.clear_requests()
    _, states = statements_to_send(tenant_a, app)
    assert states == {SENT: 10}
    assert len(sandbox.requests(path_contains="access_token")) == 1
    with as_tenant(tenant_a):
        assert db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.state == SENT)) == 10


def test_dossier_notices_sent_side_by_side_cost_the_same_statements_whatever_their_number(
        app, monkeypatch, sandbox, tenant_a, tenant_b):  # noqa: F811
    """The production path: templated notices, the version in use pinned once per kind, the screens asked once
    for the batch, and the calls in flight together on the event loop (zalo/async_calls.py)."""
    monkeypatch.setitem(app.config, "DELIVERY_CALLS_IN_FLIGHT", 64)
    (small, small_states), (large, large_states) = small_and_large_batches(app, sandbox, tenant_a, tenant_b,
                                                                           queue_dossier_notices, 3, 30)
    assert small_states == {SENT: 3} and large_states == {SENT: 30}
    assert large == small, f"{small} statements for 3 notices, {large} for 30"
    assert len(sandbox.requests(path_contains="/oa/message/")) == 33  # one call each, none repeated


def claimed_batch(tenant) -> str:
    token = uuid.uuid4().hex
    with as_tenant(tenant):
        pump.claim(token, CLASS_TX, 10_000, utcnow())
    return token


def states_of(tenant) -> dict:
    with as_tenant(tenant):
        return dict(db.session.execute(select(Delivery.state, func.count()).group_by(Delivery.state)).all())


def two_provinces_waiting(sandbox, tenant_a, tenant_b) -> dict:  # noqa: F811
    """Each province on its own sandbox OA with two citizens' messages waiting: {tenant: its seeded OA}."""
    provinces = {}
    for tenant in (tenant_a, tenant_b):
        seeded, _ = connect_to_sandbox(tenant, sandbox)
        queue_mixed(tenant, sandbox, seeded, 2, f"wave-{tenant.slug}")
        provinces[tenant] = seeded
    return provinces


def test_a_wave_sends_each_provinces_batch_with_its_own_oa_and_records_it_in_its_tenant(
        app, sandbox, tenant_a, tenant_b):  # noqa: F811
    provinces = two_provinces_waiting(sandbox, tenant_a, tenant_b)
    claims = [(tenant.id, claimed_batch(tenant)) for tenant in provinces]
    gone = (uuid.uuid4(), uuid.uuid4().hex)  # a tenant merged away between the claim and the job: skipped
    assert batch.deliver_wave([*claims, gone]) == {SENT: 8}
    for tenant, seeded in provinces.items():
        assert states_of(tenant) == {SENT: 4}
        with as_tenant(tenant):
            mine = set(db.session.scalars(select(Follower.zalo_user_id)))
        received = {message["user_id"] for message in sandbox.messages(oa_id=seeded.oa_id)}
        assert received == mine, "each province's citizens got their messages from their own OA, and only they"
    said = zalo_rate.said_of([tenant.id for tenant in provinces], time.time())
    assert all(said[tenant.id].allowance for tenant in provinces), "each OA's stated allowance is noted for it"


def test_an_expired_token_in_a_wave_is_refreshed_for_its_province_alone(app, sandbox, tenant_a, tenant_b):  # noqa: F811
    provinces = two_provinces_waiting(sandbox, tenant_a, tenant_b)
    sandbox.revoke(provinces[tenant_a].app_id, kind="access")
    sandbox.clear_requests()
    assert batch.deliver_wave([(tenant.id, claimed_batch(tenant)) for tenant in provinces]) == {SENT: 8}
    refreshes = sandbox.requests(path_contains="access_token")
    assert len(refreshes) == 1 and provinces[tenant_a].app_id in str(refreshes[0])


def test_a_batch_that_fails_to_prepare_in_a_wave_is_left_to_the_sweeper_and_the_others_go(
        app, monkeypatch, sandbox, tenant_a, tenant_b):  # noqa: F811
    provinces = two_provinces_waiting(sandbox, tenant_a, tenant_b)
    prepare = batch._prepare

    def failing_for_a(rows, now):
        if rows[0].tenant_id == tenant_a.id:
            raise RuntimeError("injected: tenant A's prepare fails")
        return prepare(rows, now)

    monkeypatch.setattr(batch, "_prepare", failing_for_a)
    assert batch.deliver_wave([(tenant.id, claimed_batch(tenant)) for tenant in provinces]) == {SENT: 4}
    assert states_of(tenant_b) == {SENT: 4}
    assert states_of(tenant_a) == {"pending": 4}  # still claimed: the sweeper gives the claim back (test_sweeper)
    with as_tenant(tenant_a):
        assert db.session.scalar(select(func.count()).where(Delivery.claim_token.is_not(None))) == 4
