"""Outbox -> pump -> RQ worker -> sandbox -> receipt webhook -> delivered, with real processes."""

from sqlalchemy import select

from platform_core.delivery.models import Delivery
from platform_core.delivery.outbox import send_reply
from platform_core.extensions import db
from tests.pipeline.stack import add_province


def delivery_states(stack, slug) -> list[tuple]:
    with stack.reading(slug) as session:
        return session.execute(select(Delivery.state, Delivery.channel, Delivery.provider_message_id)).all()


def test_a_reply_is_sent_once_and_marked_delivered_by_the_receipt(stack, zalo_sandbox, db_session):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=50, echo_sends=False)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", last_interaction="now")
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        send_reply(citizen["user_id"], "Hồ sơ của bạn đang được xử lý.", idempotency_key="e2e-1")
        db.session.commit()
        db.session.remove()
    stack.start_workers(1)
    stack.start_pump()
    delivered = zalo_sandbox.wait_for(
        lambda: [row for row in delivery_states(stack, "bac-ninh") if row.state == "delivered"], timeout=30)
    [(state, channel, message_id)] = delivered
    [sent] = zalo_sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
    assert (channel, message_id) == ("cs", sent["message_id"])
    assert sent["body"]["message"]["text"] == "Hồ sơ của bạn đang được xử lý."
