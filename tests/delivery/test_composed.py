"""Composed messages (a feature's own words, no province template) reach a citizen on the channel that is open
to them: cs text with the buttons spelt out, a transaction card with real buttons, or a promotion card for
policy news to a follower. Sent through the real pump and sender, against the Zalo sandbox."""

from datetime import UTC, datetime, timedelta

import pytest

from platform_core.delivery import jobs, pump
from platform_core.delivery.composed import ComposedButton, ComposedMessage, cs_text, transaction_card
from platform_core.delivery.constants import CLASS_BULK
from platform_core.delivery.outbox import send_composed
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_ZALO_BULK
from platform_core.zalo.events import follower_for
from platform_core.zalo.messages import CardError
from tests.conftest import as_tenant
from tests.delivery.trial_support import delivery_of, run_pipeline
from tests.zalo.conftest import connect_to_sandbox, sandbox  # noqa: F401 - fixture

ACK = ComposedMessage(
    header="Đã nhận phản ánh", text="Chúng tôi đã nhận phản ánh của anh/chị.", code_label="Mã phản ánh",
    code="PA-2611-0042", status="Đã tiếp nhận",
    buttons=(ComposedButton("Xem chi tiết", url="https://example.vn/pa/42"),
             ComposedButton("Hài lòng", reply="PA 42 LIKE")),
)
NEWS = ComposedMessage(header="Tin chính sách", text="Từ 1/12, nộp hồ sơ trực tuyến được giảm 50% lệ phí.",
                       buttons=(ComposedButton("Đọc tin", url="https://example.vn/tin/1"),), promotion=True)


@pytest.fixture
def province(sandbox, tenant_a):  # noqa: F811 - the sandbox fixture
    tenant_a.status = "live"
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    return seeded


def compose(tenant, message, user_id, key, **kwargs):
    with as_tenant(tenant):
        notification = send_composed(message, event_kind="test_composed", idempotency_key=key,
                                     zalo_user_id=user_id, **kwargs)
        db.session.flush()
        return notification


def known(tenant, user_id, **fields):
    """Our record of the citizen (routing reads it, not the sandbox's)."""
    with as_tenant(tenant):
        follower = follower_for(user_id)
        for name, value in fields.items():
            setattr(follower, name, value)
        db.session.flush()


def sent_body(sandbox, province, user_id):  # noqa: F811
    [message] = sandbox.messages(oa_id=province.oa_id, user_id=user_id)
    return message


def test_cs_text_spells_out_the_buttons_and_the_code():
    text = cs_text(ACK)
    assert text.splitlines() == [
        "Đã nhận phản ánh", "Chúng tôi đã nhận phản ánh của anh/chị.", "Mã phản ánh: PA-2611-0042",
        "Trả lời “Hài lòng”.", "• Xem chi tiết: https://example.vn/pa/42",
    ]


def test_a_card_without_a_code_row_is_refused_as_zalo_would():
    with pytest.raises(CardError):
        transaction_card(ComposedMessage(text="Không có mã"))


def test_a_citizen_who_just_wrote_gets_a_consultation_text(sandbox, province, tenant_a):  # noqa: F811
    user = sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", last_interaction="now")["user_id"]
    known(tenant_a, user, last_interaction_at=datetime.now(UTC))
    notification = compose(tenant_a, ACK, user, "ack-1")
    assert run_pipeline(tenant_a) == 1
    assert delivery_of(tenant_a, notification).channel == "cs"
    assert "PA-2611-0042" in str(sent_body(sandbox, province, user))


def test_a_follower_outside_the_window_gets_a_card_with_real_buttons(sandbox, province, tenant_a):  # noqa: F811
    user = sandbox.add_user(province.app_id, display_name="Trần Thị Bích", is_follower=True,
                            last_interaction=-30 * 86400)["user_id"]
    known(tenant_a, user, is_follower=True, last_interaction_at=datetime.now(UTC) - timedelta(days=30))
    notification = compose(tenant_a, ACK, user, "ack-2")
    run_pipeline(tenant_a)
    delivery = delivery_of(tenant_a, notification)
    assert (delivery.state, delivery.channel) == ("sent", "transaction")
    body = str(sent_body(sandbox, province, user))
    assert "PA 42 LIKE" in body and "oa.query.hide" in body


def test_the_same_key_writes_one_message(tenant_a, sandbox, province):  # noqa: F811
    first = compose(tenant_a, ACK, "u-1", "ack-3")
    assert compose(tenant_a, ACK, "u-1", "ack-3").id == first.id


def test_policy_news_goes_as_a_promotion_to_a_follower_and_never_to_someone_else(sandbox, province, tenant_a):  # noqa: F811
    sandbox.set_clock("2026-11-30T10:00:00")  # promotions are refused 22:00-06:00 in Vietnam
    follower = sandbox.add_user(province.app_id, display_name="Lê Văn Cường", is_follower=True)["user_id"]
    stranger = sandbox.add_user(province.app_id, display_name="Phạm Thị Dung", last_interaction="now")["user_id"]
    known(tenant_a, follower, is_follower=True)
    known(tenant_a, stranger, last_interaction_at=datetime.now(UTC))
    to_follower = compose(tenant_a, NEWS, follower, "news-1", message_class=CLASS_BULK)
    to_stranger = compose(tenant_a, NEWS, stranger, "news-2", message_class=CLASS_BULK)
    assert pump.tick().get("bulk", 0) == 2
    queue = open_queue(QUEUE_ZALO_BULK)
    for job in queue.jobs:
        with as_tenant(tenant_a):
            jobs.deliver_bulk(*job.args)
    queue.empty()
    assert delivery_of(tenant_a, to_follower).channel == "promotion"
    assert delivery_of(tenant_a, to_follower).state == "sent"
    assert delivery_of(tenant_a, to_stranger).state == "failed"
    assert sandbox.requests(path_contains="/message/promotion")[0]["status"] == 200
    assert sandbox.messages(oa_id=province.oa_id, user_id=stranger) == []
