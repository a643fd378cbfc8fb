"""The bot's "hủy lịch hẹn" in one province, without Zalo (the journey over the sandbox is
end_to_end/test_cancel_on_zalo.py): a citizen's appointments are theirs in their province only; with several
to come they are asked which (a button each), the code cancels that one; a past appointment is not offered."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from platform_core.bot.commands import HANDLED, CitizenMessage
from platform_core.bot.replies import plain_words, pressed
from platform_core.clock import local_day
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ComposedMessage
from platform_core.delivery.models import Notification
from platform_core.extensions import db
from platform_core.registrations import appointments, bot, messages
from platform_core.registrations.constants import STATUS_NEW
from platform_core.registrations.models import AppointmentSlot, Registration
from platform_core.zalo.models import ZaloEvent
from tests.conftest import as_tenant

MARRIAGE = "9.000894"
CITIZEN = "8001"


def _book(tenant, day: date, start: int, citizen: str = CITIZEN) -> Registration:
    """A registration of `citizen` with an appointment at `start` o'clock on `day` (in a slot of its own)."""
    with as_tenant(tenant):
        appointments.make_slots(MARRIAGE, [(day, time(start), time(start + 1))], 3)
        slot = db.session.scalar(select(AppointmentSlot).where(AppointmentSlot.day == day,
                                                               AppointmentSlot.starts_at == time(start)))
        registration = Registration(procedure_code=MARRIAGE, procedure_name="Đăng ký kết hôn", zalo_user_id=citizen,
                                    status=STATUS_NEW, token_digest=f"{citizen}-{day}-{start}")
        appointments.book(registration, slot.id, utcnow())
        db.session.add(registration)
        db.session.flush()
        return registration


def _writes(tenant, text: str, citizen: str = CITIZEN, key: str = "e1") -> str | None:
    event = ZaloEvent(zalo_user_id=citizen, event_key=key, event_name="user_send_text")
    with as_tenant(tenant):
        return bot.answer_cancel(CitizenMessage(event, {}, None, text))


def _sent(tenant, key: str) -> ComposedMessage:
    with as_tenant(tenant):
        notification = db.session.scalar(select(Notification).where(Notification.idempotency_key == key))
        return ComposedMessage.from_context(notification.context)


@pytest.fixture
def soon():
    return local_day(utcnow()) + timedelta(days=30)


def test_another_provinces_appointment_of_the_same_zalo_id_is_not_touched(db_session, tenant_a, tenant_b, soon):
    theirs = _book(tenant_b, soon, 8)
    assert _writes(tenant_a, "Hủy lịch hẹn") == messages.no_appointment(None)
    assert _writes(tenant_a, f"hủy lịch hẹn {theirs.reference}") == messages.no_appointment(theirs.reference)
    with as_tenant(tenant_b):
        db.session.expire_all()
        assert db.session.scalar(select(AppointmentSlot.booked)) == 1


def test_with_several_the_citizen_is_asked_which_and_the_code_cancels_that_one(db_session, tenant_a, soon):
    first, second = _book(tenant_a, soon, 8), _book(tenant_a, soon, 10)
    assert _writes(tenant_a, "hủy lịch hẹn", key="e1") == HANDLED
    question = _sent(tenant_a, "bot:e1")
    assert [button.reply for button in question.buttons] == [f"hủy lịch hẹn {first.reference}",
                                                             f"hủy lịch hẹn {second.reference}"]
    assert first.reference in question.text and "08:00–09:00" in question.text
    with as_tenant(tenant_a):
        assert all(item.slot_id is not None for item in db.session.scalars(select(Registration)))

    second_slot = second.slot_id
    assert _writes(tenant_a, f"Hủy lịch hẹn mã {second.reference.lower()}", key="e2") == HANDLED
    with as_tenant(tenant_a):
        db.session.expire_all()
        assert db.session.get(Registration, (tenant_a.id, second.id)).slot_id is None
        assert db.session.get(Registration, (tenant_a.id, first.id)).slot_id is not None
    assert _sent(tenant_a, f"registration:{second.id}:cancelled:{second_slot}").header == "Lịch hẹn đã hủy"


def test_a_past_appointment_is_not_cancelled_and_other_words_are_left_to_the_bot(db_session, tenant_a, soon):
    past = _book(tenant_a, soon, 8)
    with as_tenant(tenant_a):
        past.slot.day = local_day(utcnow()) - timedelta(days=1)
        db.session.flush()
    assert _writes(tenant_a, f"hủy lịch hẹn {past.reference}") == messages.no_appointment(past.reference)
    assert _writes(tenant_a, "hủy lịch hẹn ngày mai giúp tôi") is None
    assert _writes(tenant_a, "lịch hẹn của tôi") is None


def test_the_cancel_button_comes_with_an_appointment_and_a_plain_yes_does_not_press_it(db_session, tenant_a, soon):
    booked = _book(tenant_a, soon, 8)
    with as_tenant(tenant_a):
        [button] = messages.received(booked, booked.slot, None).buttons
        assert (button.title, button.reply) == ("Hủy lịch hẹn", f"hủy lịch hẹn {booked.reference}")
        assert messages.received(booked, None, None).buttons == ()
    assert pressed(plain_words("Hủy lịch hẹn"), (button,)) == button
    for plain_yes in ("ok", "Vâng ạ", "có", "được"):  # to the confirmation: the appointment stays
        assert pressed(plain_words(plain_yes), (button,)) is None
