"""A withdrawn citizen gets nothing more: every kind of message is refused when written and again before the
Zalo call (one queued before the stop too), with the reason on the delivery; only the confirmation of the
stop reaches them. Sent through the real pump and sender, against the Zalo sandbox."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from platform_core.citizens import consent, requests
from platform_core.citizens.constants import METHOD_COUNTER, METHOD_ZALO_CHAT, PURPOSE_DOSSIER
from platform_core.citizens.screen import PURPOSE_WITHDRAWN, STOPPED
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.delivery.models import Notification
from platform_core.delivery.outbox import send_composed, send_reply
from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests import factories
from tests.citizens.conftest import run_pipeline
from tests.conftest import as_tenant
from tests.delivery.trial_support import delivery_of
from tests.zalo.conftest import connect_to_sandbox, sandbox  # noqa: F401 - fixture

PHONE = "+84912345678"


@pytest.fixture
def province(sandbox, tenant_a):  # noqa: F811 - the sandbox fixture
    """Tenant A (live) on its sandbox OA, and a citizen who follows it and wrote to it today."""
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    user = sandbox.add_user(seeded.app_id, display_name="Nguyễn Văn An", phone="0912345678", is_follower=True,
                            last_interaction="now")
    with as_tenant(tenant_a):
        db.session.add(Follower(zalo_user_id=user["user_id"], is_follower=True, phone_e164=PHONE,
                                last_interaction_at=datetime.now(UTC)))
        db.session.flush()
    return {"app": seeded, "citizen": user["user_id"]}


def sent_to(sandbox, province) -> list[dict]:  # noqa: F811
    return sandbox.messages(oa_id=province["app"].oa_id, user_id=province["citizen"])


def stop(tenant, user_id):
    with as_tenant(tenant):
        requests.stop(method=METHOD_ZALO_CHAT, zalo_user_id=user_id)
        db.session.flush()


def dossier_notice(user_id, key):
    dossier = factories.create_dossier(f"000.00.24.H04-261128-{key[-4:]}",
                                       applicant={"name": "Nguyễn Văn An", "phone": "0912345678",
                                                  "zalo_user_id": user_id})
    return db.session.scalar(select(Notification).where(Notification.dossier_id == dossier.id))


MESSAGES = {
    "dossier notice": dossier_notice,
    "bot reply": lambda user_id, key: send_reply(user_id, "Hồ sơ của bạn đang được xử lý.", idempotency_key=key),
    "composed message": lambda user_id, key: send_composed(
        ComposedMessage(text="Phản ánh của bạn đã được tiếp nhận.", header="Tiếp nhận phản ánh", code="PA-0001",
                        code_label="Mã phản ánh", buttons=(ComposedButton("Xem", url="https://example.vn/pa"),)),
        event_kind="feedback_received", idempotency_key=key, zalo_user_id=user_id),
    "policy news (promotion)": lambda user_id, key: send_composed(
        ComposedMessage(text="Quy định mới về cư trú.", header="Tin chính sách", promotion=True),
        event_kind="broadcast", idempotency_key=key, zalo_user_id=user_id, message_class="bulk"),
}


def write_message(tenant, kind, user_id, key):
    with as_tenant(tenant):
        notification = MESSAGES[kind](user_id, key)
        db.session.flush()
        return notification


def test_the_stop_is_confirmed_once_on_zalo(sandbox, province, tenant_a):  # noqa: F811
    stop(tenant_a, province["citizen"])
    run_pipeline(tenant_a)
    [confirmation] = sent_to(sandbox, province)
    assert "đã dừng gửi tin nhắn" in str(confirmation["body"])


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_after_the_stop_each_kind_of_message_is_refused_when_written(sandbox, province, tenant_a, kind):  # noqa: F811
    stop(tenant_a, province["citizen"])
    notification = write_message(tenant_a, kind, province["citizen"], f"after-{kind}-0001")
    delivery = delivery_of(tenant_a, notification)
    assert (delivery.state, delivery.error_message, delivery.provider_message_id) == ("failed", STOPPED, None)
    run_pipeline(tenant_a)
    assert len(sent_to(sandbox, province)) == 1  # the confirmation only


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_a_message_queued_before_the_stop_is_refused_at_send_time(sandbox, province, tenant_a, kind):  # noqa: F811
    notification = write_message(tenant_a, kind, province["citizen"], f"before-{kind}-0002")
    assert delivery_of(tenant_a, notification).state == "pending"
    stop(tenant_a, province["citizen"])
    run_pipeline(tenant_a)
    delivery = delivery_of(tenant_a, notification)
    assert (delivery.state, delivery.error_message, delivery.provider_message_id) == ("failed", STOPPED, None)
    [confirmation] = sent_to(sandbox, province)
    assert "đã dừng gửi tin nhắn" in str(confirmation["body"])


def test_a_stop_recorded_at_the_desk_by_phone_covers_the_zalo_account_that_shared_it(sandbox, province, tenant_a):  # noqa: F811
    with as_tenant(tenant_a):
        requests.stop(method=METHOD_COUNTER, phone=PHONE)
    notification = write_message(tenant_a, "bot reply", province["citizen"], "desk-stop-1")
    assert delivery_of(tenant_a, notification).error_message == STOPPED
    run_pipeline(tenant_a)
    assert sent_to(sandbox, province) == []  # stopped at the desk: told there, nothing on Zalo


def test_before_any_stop_messages_go_and_a_withdrawn_purpose_is_refused_alone(sandbox, province, tenant_a):  # noqa: F811
    reply = write_message(tenant_a, "bot reply", province["citizen"], "no-stop-1")
    with as_tenant(tenant_a):
        consent.withdraw(PURPOSE_DOSSIER, method=METHOD_ZALO_CHAT, zalo_user_id=province["citizen"])
    notice = write_message(tenant_a, "dossier notice", province["citizen"], "no-stop-0002")
    assert delivery_of(tenant_a, notice).error_message == PURPOSE_WITHDRAWN
    run_pipeline(tenant_a)
    assert delivery_of(tenant_a, reply).state == "sent"
    assert len(sent_to(sandbox, province)) == 1
