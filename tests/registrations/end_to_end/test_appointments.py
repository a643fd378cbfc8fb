"""Appointment booking end to end, over real HTTP, Redis, an RQ worker, the pump and the Zalo sandbox, on SQLite and
on PostgreSQL (issue 13, part 2): the province makes slots in the console; six citizens send the form at the same
moment for the last place of a slot and exactly one gets it, the others get the form again (409) without that
slot; a citizen who chose in the menu and booked another slot is told the appointment on Zalo; the API shows it
with the registration; cancelling it through the API frees the place and tells the citizen."""

import re
import threading
from datetime import datetime, timedelta

import httpx

from platform_core.clock import VIETNAM
from platform_core.extensions import db
from platform_core.registrations.models import AppointmentSlot
from platform_core.workdays.calendar import calendar_for
from tests.registrations.end_to_end.support import MARRIAGE, chat, console, form_link, running_province

RACERS = 6


def next_working_day():
    day, calendar = datetime.now(VIETNAM).date() + timedelta(days=1), calendar_for("bac-ninh")
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


def slots(stack) -> dict[str, AppointmentSlot]:
    """The province's slots by start ("08:00")."""
    with stack.reading("bac-ninh") as session:
        found = session.scalars(db.select(AppointmentSlot)).all()
        session.expunge_all()
    return {f"{slot.starts_at:%H:%M}": slot for slot in found}


def test_the_last_place_goes_to_one_citizen_and_a_booked_appointment_reaches_zalo_and_the_api(stack, zalo_sandbox):
    province = running_province(stack, zalo_sandbox, required_documents="Tờ khai đăng ký kết hôn\nCăn cước của hai bên")
    admin = console(stack)
    assert admin.post("/bac-ninh/admin/registrations/", data={
        "open": MARRIAGE, f"fields-{MARRIAGE}": ["full_name", "phone"]}).status_code == 302

    # The province makes a slot of one place for marriages and an hour of two places for any procedure.
    day = next_working_day()
    refused = admin.post("/bac-ninh/admin/registrations/slots", data={
        "procedure_code": MARRIAGE, "first_day": day.isoformat(), "starts_at": "09:00", "ends_at": "08:00",
        "minutes": "60", "capacity": "1"})
    assert refused.status_code == 422 and "field--error" in refused.text
    for code, start, end, capacity in ((MARRIAGE, "08:00", "09:00", "1"), ("", "09:00", "10:00", "2")):
        made = admin.post("/bac-ninh/admin/registrations/slots", data={
            "procedure_code": code, "first_day": day.isoformat(), "starts_at": start, "ends_at": end,
            "minutes": "60", "capacity": capacity})
        assert made.status_code == 302, made.text
    last_place, general = slots(stack)["08:00"], slots(stack)["09:00"]
    assert (last_place.capacity, general.capacity, general.procedure_code) == (1, 2, None)

    # Six citizens open their forms, all offered the last place, and send them at the same moment.
    links = [form_link(stack, f"race-{n}") for n in range(RACERS)]
    browsers = [httpx.Client(timeout=30) for _ in links]
    for browser, link in zip(browsers, links, strict=True):
        page = browser.get(link)
        assert page.status_code == 200 and str(last_place.id) in page.text and str(general.id) in page.text
    barrier, answers = threading.Barrier(RACERS), [None] * RACERS

    def send(n: int) -> None:
        barrier.wait(timeout=30)
        answers[n] = browsers[n].post(links[n], data={"full_name": f"Người {n}", "phone": "0912345678",
                                                      "appointment": str(last_place.id)})
    threads = [threading.Thread(target=send, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * (RACERS - 1), statuses
    for answer in answers:
        if answer.status_code == 409:  # the form again, without the full slot, the citizen's answers kept
            assert str(last_place.id) not in answer.text and str(general.id) in answer.text
            assert "người khác" in answer.text and 'value="0912345678"' in answer.text
    assert slots(stack)["08:00"].booked == 1

    # A citizen picks the procedure from the bot's menu, by its number, and books the general hour.
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Bình Zalo", is_follower=True,
                                    last_interaction=-3600)
    phone_view = f"/phone/{province.oa_id}/{citizen['user_id']}"
    assert zalo_sandbox.http.post(f"{phone_view}/send", data={"text": "đăng ký"}).status_code == 302
    zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, citizen, "Chọn thủ tục đăng ký"), timeout=60)
    assert zalo_sandbox.http.post(f"{phone_view}/send", data={"text": "1"}).status_code == 302
    [answer] = zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, citizen, "Điền mẫu đăng ký"), timeout=60)
    words = answer["body"]["message"]["text"]
    assert "Đăng ký kết hôn (mã 1.000894)" in words and "+ Căn cước của hai bên" in words
    link = re.search(rf"{re.escape(stack.url)}/bac-ninh/dang-ky/[\w.-]+", words)[0]
    browser = httpx.Client(timeout=10)
    page = browser.get(link)
    assert str(last_place.id) not in page.text and str(general.id) in page.text  # a full slot is not offered
    sent = browser.post(link, data={"full_name": "Trần Thị Bình", "phone": "0987654321",
                                    "appointment": str(general.id)})
    assert sent.status_code == 200 and "09:00–10:00" in sent.text
    [received] = zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, citizen, "Đã nhận đăng ký"), timeout=60)
    assert "Lịch hẹn: Thứ" in str(received["body"]) and f"{day:%d/%m/%Y}, 09:00–10:00" in str(received["body"])
    assert slots(stack)["09:00"].booked == 1

    # The API gives the appointment with the registration; cancelling it frees the place and tells the citizen.
    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    listed = {item["answers"]["full_name"]: item for item in api.get("/registrations").json()["registrations"]}
    mine = listed["Trần Thị Bình"]
    assert mine["appointment"] == {"day": day.isoformat(), "starts_at": "09:00", "ends_at": "10:00"}
    assert sum(1 for item in listed.values() if item["appointment"]) == 2
    cancelled = api.post(f"/registrations/{mine['id']}/appointment/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["appointment"] is None
    assert cancelled.json()["appointment_cancelled_at"]
    assert api.post(f"/registrations/{mine['id']}/appointment/cancel").status_code == 409
    assert slots(stack)["09:00"].booked == 0
    zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, citizen, "Lịch hẹn đã hủy"), timeout=60)

    # The console lists the slots with their bookings.
    listing = admin.get("/bac-ninh/admin/registrations/slots")
    assert listing.status_code == 200 and "1/1" in listing.text and "0/2" in listing.text
