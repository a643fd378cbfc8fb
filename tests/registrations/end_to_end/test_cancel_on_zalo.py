"""A citizen cancels their appointment from Zalo, end to end over real HTTP, Redis, an RQ worker, the pump and the
Zalo sandbox, on SQLite and on PostgreSQL (issue 13, part 2): the confirmation of a registration with an
appointment carries a "Hủy lịch hẹn" button; tapping it in the sandbox's phone view frees the slot's place, the
citizen is told on Zalo and the audit log says the citizen did it. Another citizen who sends the first one's code
cancels nothing; "hủy lịch hẹn" typed without a code cancels the writer's one appointment."""

import re

import httpx
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.registrations.models import AppointmentSlot
from tests.registrations.end_to_end.support import MARRIAGE, chat, console, form_link, running_province
from tests.registrations.end_to_end.test_appointments import next_working_day


def booked(stack) -> int:
    with stack.reading("bac-ninh") as session:
        return session.scalar(select(AppointmentSlot.booked))


def book(stack, citizen: dict, name: str, slot_id: str) -> str:
    """The citizen sends the form with the slot; the registration's code."""
    sent = httpx.post(form_link(stack, citizen["user_id"]), timeout=10,
                      data={"full_name": name, "phone": "0912345678", "appointment": slot_id})
    assert sent.status_code == 200
    return re.search(r"DK-[0-9A-F]{8}", sent.text)[0]


def test_a_citizen_cancels_their_own_appointment_from_zalo_and_no_one_elses(stack, zalo_sandbox):
    province = running_province(stack, zalo_sandbox)
    admin = console(stack)
    assert admin.post("/bac-ninh/admin/registrations/", data={
        "open": MARRIAGE, f"fields-{MARRIAGE}": ["full_name", "phone"]}).status_code == 302
    day = next_working_day()
    assert admin.post("/bac-ninh/admin/registrations/slots", data={
        "procedure_code": MARRIAGE, "first_day": day.isoformat(), "starts_at": "08:00", "ends_at": "09:00",
        "minutes": "60", "capacity": "2"}).status_code == 302
    with stack.reading("bac-ninh") as session:
        slot_id = str(session.scalar(select(AppointmentSlot.id)))

    # An has not written to the OA for a month: the confirmation is a transaction card with the button.
    an = zalo_sandbox.add_user(province.app_id, display_name="An", is_follower=True, last_interaction=-30 * 86400)
    binh = zalo_sandbox.add_user(province.app_id, display_name="Bình", is_follower=True, last_interaction=-3600)
    an_code, binh_code = book(stack, an, "Nguyễn Văn An", slot_id), book(stack, binh, "Trần Thị Bình", slot_id)
    assert booked(stack) == 2
    [card] = zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, an, "Đã nhận đăng ký"), timeout=60)
    assert card["kind"] == "transaction" and "08:00–09:00" in str(card["body"])
    [button] = card["body"]["message"]["attachment"]["payload"]["buttons"]
    assert (button["title"], button["payload"]) == ("Hủy lịch hẹn", f"hủy lịch hẹn {an_code}")

    # Bình sends An's code: nothing is cancelled.
    binh_phone = f"/phone/{province.oa_id}/{binh['user_id']}"
    assert zalo_sandbox.http.post(f"{binh_phone}/send", data={"text": f"Hủy lịch hẹn {an_code}"}).status_code == 302
    zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, binh, f"sắp tới nào của Ông/Bà có mã đăng ký {an_code}"),
                          timeout=60)
    assert booked(stack) == 2

    # An taps the button in the phone view: the place is free again, An is told, the citizen is in the audit log.
    an_phone = f"/phone/{province.oa_id}/{an['user_id']}"
    assert zalo_sandbox.http.post(f"{an_phone}/tap", data={"payload": button["payload"]}).status_code == 302
    [told] = zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, an, "Lịch hẹn đã hủy"), timeout=60)
    assert f"{day:%d/%m/%Y}, 08:00–09:00" in str(told["body"]) and an_code in str(told["body"])
    assert booked(stack) == 1
    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    listed = {item["reference"]: item for item in api.get("/registrations").json()["registrations"]}
    assert listed[an_code]["appointment"] is None and listed[an_code]["appointment_cancelled_at"]
    assert listed[binh_code]["appointment"]["starts_at"] == "08:00"
    with stack.reading("bac-ninh") as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "appointment_cancelled")).all()
        assert event.details["by"] == "citizen" and event.actor_id is None
        assert event.details["registration_id"] == listed[an_code]["id"]

    # Bình types it without a code: his one appointment goes. An again: there is none left.
    assert zalo_sandbox.http.post(f"{binh_phone}/send", data={"text": "hủy lịch hẹn"}).status_code == 302
    zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, binh, "Lịch hẹn đã hủy"), timeout=60)
    assert booked(stack) == 0
    assert zalo_sandbox.http.post(f"{an_phone}/send", data={"text": "Hủy lịch hẹn"}).status_code == 302
    zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, an, "không có lịch hẹn nào sắp tới"), timeout=60)
