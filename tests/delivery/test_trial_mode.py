"""Trial mode: a province not yet live reaches only its team's Zalo accounts and its guest list, within a low
daily cap; going live lifts both. Sent through the real pump and sender, against the Zalo sandbox."""

import pytest
from sqlalchemy import delete, select

from platform_core.auth.models import Membership
from platform_core.delivery import guest_list
from platform_core.delivery.models import Delivery
from platform_core.delivery.outbox import send_reply
from platform_core.delivery.policy import limits_for, set_limits
from platform_core.delivery.trial import REFUSED
from platform_core.extensions import db
from platform_core.tenancy.service import change_status
from platform_core.zalo.models import Follower
from tests import factories
from tests.conftest import as_tenant
from tests.delivery.trial_support import delivery_of, link_follower, put_in_trial, run_pipeline
from tests.dossiers.support import CODE, bearer
from tests.zalo.conftest import connect_to_sandbox, sandbox  # noqa: F401 - fixture


@pytest.fixture
def province(sandbox, tenant_a):  # noqa: F811 - the sandbox fixture
    """Tenant A in trial, connected to its sandbox OA, with an admin whose Zalo account is linked."""
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    put_in_trial(tenant_a)
    admin = factories.create_user("trial-admin@bac-ninh.vn", tenant=tenant_a, role="admin")
    member = sandbox.add_user(seeded.app_id, display_name="Cán bộ Lê Văn Bình", last_interaction="now")
    link_follower(tenant_a, member["user_id"], admin)
    return {"app": seeded, "member": member["user_id"], "admin": admin}


def citizen(sandbox, province, name="Nguyễn Thị Hoa", **fields) -> str:  # noqa: F811
    return sandbox.add_user(province["app"].app_id, display_name=name, last_interaction="now", **fields)["user_id"]


def reply(tenant, user_id: str, key: str):
    with as_tenant(tenant):
        notification = send_reply(user_id, "Tin nhắn thử", idempotency_key=key)
        db.session.flush()
        return notification


def sent_to(sandbox, province) -> set[str]:  # noqa: F811
    return {message["user_id"] for message in sandbox.messages(oa_id=province["app"].oa_id)}


def test_a_message_to_an_outsider_is_refused_with_the_reason_and_never_reaches_zalo(sandbox, province, tenant_a):  # noqa: F811
    outsider = citizen(sandbox, province)
    notification = reply(tenant_a, outsider, "outsider-1")
    delivery = delivery_of(tenant_a, notification)
    assert (delivery.state, delivery.error_message) == ("failed", REFUSED)
    assert run_pipeline(tenant_a) == 0  # refused when written: it does not use up the day's cap
    assert sandbox.requests(path_contains="/message/") == []


def test_an_outsider_queued_before_the_province_left_live_is_refused_at_send_time(sandbox, province, tenant_a):  # noqa: F811
    outsider = citizen(sandbox, province)
    tenant_a.status = "live"
    notification = reply(tenant_a, outsider, "outsider-2")
    put_in_trial(tenant_a)
    assert run_pipeline(tenant_a) == 1
    delivery = delivery_of(tenant_a, notification)
    assert (delivery.state, delivery.error_message, delivery.provider_message_id) == ("failed", REFUSED, None)
    assert sandbox.requests(path_contains="/message/") == []


def test_a_team_member_and_a_guest_are_delivered(sandbox, province, tenant_a):  # noqa: F811
    guest = citizen(sandbox, province, name="Phạm Minh Quân")
    with as_tenant(tenant_a):
        guest_list.add("Anh Quân (thử nghiệm)", zalo_user_id=guest)
    to_member, to_guest = reply(tenant_a, province["member"], "member-1"), reply(tenant_a, guest, "guest-1")
    assert run_pipeline(tenant_a) == 2
    assert [delivery_of(tenant_a, n).state for n in (to_member, to_guest)] == ["sent", "sent"]
    assert sent_to(sandbox, province) == {province["member"], guest}


def test_a_guest_listed_by_phone_is_reached_on_zalo_once_they_shared_that_phone(sandbox, province, tenant_a):  # noqa: F811
    guest = citizen(sandbox, province, name="Đỗ Thu Trang")
    with as_tenant(tenant_a):
        guest_list.add("Chị Trang", phone="0987 654 321")
        db.session.add(Follower(zalo_user_id=guest, phone_e164="+84987654321"))
        db.session.flush()
    notification = reply(tenant_a, guest, "guest-phone-1")
    run_pipeline(tenant_a)
    assert delivery_of(tenant_a, notification).state == "sent"


def test_someone_no_longer_a_member_is_no_longer_team(sandbox, province, tenant_a, db_session):  # noqa: F811
    db_session.execute(delete(Membership).where(Membership.user_id == province["admin"].id))
    notification = reply(tenant_a, province["member"], "former-member-1")
    assert delivery_of(tenant_a, notification).error_message == REFUSED


def test_a_dossier_notice_to_an_outsider_shows_the_refusal_in_the_api(client, province, tenant_a):
    headers = bearer(tenant_a)
    created = client.post("/api/v1/dossiers", json=factories.dossier_body(CODE), headers=headers)
    assert created.status_code == 201, created.get_json()
    with as_tenant(tenant_a):
        notification_id = db.session.scalar(select(Delivery.notification_id))
    body = client.get(f"/api/v1/notifications/{notification_id}", headers=headers).get_json()
    [delivery] = body["deliveries"]
    assert (delivery["state"], delivery["error_message"]) == ("failed", REFUSED)


def test_test_keys_stay_simulated_in_trial_and_never_reach_zalo(sandbox, province, tenant_a):  # noqa: F811
    with as_tenant(tenant_a):
        dossier = factories.create_dossier(CODE, simulated=True)
        delivery = db.session.scalar(select(Delivery).where(Delivery.simulated.is_(True)))
    assert dossier.applicant_phone and delivery.state == "pending"
    run_pipeline(tenant_a)
    with as_tenant(tenant_a):
        delivery = db.session.get(Delivery, (tenant_a.id, delivery.id))  # the batch worked on its own copy
    assert delivery.state == "sent" and delivery.provider_message_id.startswith("simulated-")
    assert sandbox.requests(path_contains="/message") == []


def test_the_trial_cap_holds_whatever_the_rate_policy_says_and_the_rest_waits(app, monkeypatch, sandbox, province,  # noqa: F811
                                                                                 tenant_a):
    monkeypatch.setitem(app.config, "TRIAL_DAILY_CAP", 3)
    with as_tenant(tenant_a):
        set_limits("tx", per_minute=3000, burst=100, daily_cap=1000)
        assert limits_for("tx").daily_cap == 3
    notifications = [reply(tenant_a, province["member"], f"cap-{n}") for n in range(5)]
    assert run_pipeline(tenant_a) == 3
    assert run_pipeline(tenant_a) == 0  # the cap holds for the rest of the province's day
    states = sorted(delivery_of(tenant_a, n).state for n in notifications)
    assert states == ["pending", "pending", "sent", "sent", "sent"]  # deferred, not lost
    assert len(sandbox.messages(oa_id=province["app"].oa_id)) == 3


def test_a_lower_policy_cap_still_holds_in_trial(app, province, tenant_a):
    with as_tenant(tenant_a):
        set_limits("tx", per_minute=3000, burst=100, daily_cap=10)
        assert limits_for("tx").daily_cap == 10
        assert limits_for("bulk").daily_cap == app.config["TRIAL_DAILY_CAP"]


def test_going_live_lifts_the_cap_and_the_guest_list(app, monkeypatch, sandbox, province, tenant_a):  # noqa: F811
    monkeypatch.setitem(app.config, "TRIAL_DAILY_CAP", 2)
    waiting = [reply(tenant_a, province["member"], f"live-{n}") for n in range(4)]
    assert run_pipeline(tenant_a) == 2
    change_status(tenant_a, "live")
    with as_tenant(tenant_a):
        assert limits_for("tx").daily_cap is None
    outsider = citizen(sandbox, province)
    to_outsider = reply(tenant_a, outsider, "live-outsider")
    assert run_pipeline(tenant_a) == 3
    assert {delivery_of(tenant_a, n).state for n in [*waiting, to_outsider]} == {"sent"}
    assert outsider in sent_to(sandbox, province)
