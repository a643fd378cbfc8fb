"""End to end over real HTTP, Redis, an RQ worker, the delivery pump and the Zalo sandbox (issue 13, part 2): the
province opens "Đăng ký kết hôn" to registration in the console; a citizen who shared their phone writes "đăng
ký kết hôn" in the sandbox's phone view and gets the procedure's requirements with the form's link; the form is
prefilled with what they shared, and sent; they are told on Zalo it was received; the province's software
fetches it from the API, acknowledges it, creates the dossier and links it; the dossier's next status notice
reaches the citizen's phone view."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import text

from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests.registrations.end_to_end.support import MARRIAGE, chat, console, iso, running_province

CODE = "000.00.24.H04-261221-0001"
CCCD = "027190001234"


def test_a_registration_made_on_zalo_becomes_a_dossier_whose_notices_reach_the_citizen(stack, zalo_sandbox):
    province = running_province(stack, zalo_sandbox)

    # The province opens the procedure to registration, asking five fields.
    admin = console(stack)
    saved = admin.post("/bac-ninh/admin/registrations/", data={
        "open": MARRIAGE, f"fields-{MARRIAGE}": ["full_name", "birth_date", "id_number", "address", "phone"]})
    assert saved.status_code == 302

    # A citizen shared their phone with the OA earlier, then writes in the phone view.
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Bình Zalo", phone="0987654321",
                                    is_follower=True, last_interaction=-3600)
    phone_view = f"/phone/{province.oa_id}/{citizen['user_id']}"
    assert zalo_sandbox.http.post(f"{phone_view}/share", data={
        "phone": "84987654321", "name": "Trần Thị Bình", "address": "Số 1 Lý Thái Tổ"}).status_code == 302

    def phone_linked():
        with stack.reading("bac-ninh") as session:
            return session.scalar(db.select(Follower.phone_e164).where(Follower.zalo_user_id == citizen["user_id"]))
    zalo_sandbox.wait_for(phone_linked, timeout=30)
    assert zalo_sandbox.http.post(f"{phone_view}/send", data={"text": "đăng ký kết hôn"}).status_code == 302

    [answer] = zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, citizen, "Điền mẫu đăng ký"), timeout=60)
    words = answer["body"]["message"]["text"]
    assert answer["kind"] == "cs" and "Ông/Bà" in words
    assert "Đăng ký kết hôn (mã 1.000894)" in words and "3 ngày làm việc" in words and "không thu" in words
    assert "nước ngoài" not in words  # the exact name wins over the longer one (not open to registration anyway)
    link = re.search(rf"{re.escape(stack.url)}/bac-ninh/dang-ky/[\w.-]+", words)[0]
    assert "Điền mẫu đăng ký" in zalo_sandbox.http.get(phone_view).text

    # The form, prefilled from what the citizen shared.
    browser = httpx.Client(timeout=10)
    form = browser.get(link)
    assert form.status_code == 200
    assert 'value="Trần Thị Bình"' in form.text and 'value="0987654321"' in form.text
    assert 'value="Số 1 Lý Thái Tổ"' in form.text and 'name="note"' not in form.text
    assert 'name="birth_date"' in form.text and 'placeholder="dd/mm/yyyy"' in form.text
    refused = browser.post(link, data={"full_name": "Trần Thị Bình", "birth_date": "30/04/1995",
                                       "id_number": "12345", "address": "Số 1 Lý Thái Tổ", "phone": "0987654321"})
    assert refused.status_code == 422 and "12" in refused.text and 'value="30/04/1995"' in refused.text
    # Typed as a citizen writes it; the province's software reads it as yyyy-mm-dd (below).
    sent = browser.post(link, data={"full_name": "Trần Thị Bình", "birth_date": "30/4/1995", "id_number": CCCD,
                                    "address": "Số 1 Lý Thái Tổ", "phone": "0987654321"})
    assert sent.status_code == 200 and "DK-" in sent.text
    assert browser.get(link).status_code == 410  # the link submits once

    [received] = zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, citizen, "Đã nhận đăng ký"), timeout=60)
    assert "Ông/Bà đã đăng ký thủ tục Đăng ký kết hôn" in str(received["body"])

    # The CCCD number is stored encrypted.
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        [stored] = db.session.execute(text("SELECT answers FROM registration"),  # the one registration there is
                                      execution_options={"tenant_scoped_by_caller": True}).scalars()
        db.session.remove()
    assert CCCD not in stored and "Bình" not in stored

    # The province's software fetches it, acknowledges it, creates the dossier and links it.
    api = httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                       timeout=10)
    [registration] = api.get("/registrations", params={"status": "new"}).json()["registrations"]
    assert registration["procedure_code"] == MARRIAGE and registration["answers"] == {
        "full_name": "Trần Thị Bình", "birth_date": "1995-04-30", "id_number": CCCD,
        "address": "Số 1 Lý Thái Tổ", "phone": "0987654321"}
    acknowledged = api.post(f"/registrations/{registration['id']}/acknowledge")
    assert acknowledged.status_code == 200 and acknowledged.json()["status"] == "acknowledged"
    assert api.get("/registrations", params={"status": "new"}).json()["count"] == 0
    received_at = datetime.now(UTC) - timedelta(minutes=5)
    created = api.post("/dossiers", json={
        "code": CODE, "procedure_code": MARRIAGE, "received_at": iso(received_at),
        "due_at": iso(received_at + timedelta(days=5)),
        "applicant": {"name": "Trần Thị Bình", "phone": registration["answers"]["phone"]},
    })
    assert created.status_code == 201, created.text
    linked = api.post(f"/registrations/{registration['id']}/link", json={"dossier_code": CODE})
    assert linked.status_code == 200 and linked.json()["status"] == "linked", linked.text
    assert api.post(f"/registrations/{registration['id']}/link",
                    json={"dossier_code": "000.00.24.H04-261221-0002"}).status_code == 409
    zalo_sandbox.wait_for(lambda: chat(zalo_sandbox, province, citizen, "Hồ sơ đã được lập"), timeout=60)

    # From now on the dossier's status notices reach the citizen on Zalo.
    event = api.post(f"/dossiers/{CODE}/events", json={"status": "processing", "occurred_at": iso(datetime.now(UTC))})
    assert event.status_code == 201, event.text

    def status_notice():
        return [message for message in chat(zalo_sandbox, province, citizen, CODE)
                if "Hồ sơ đã được lập" not in str(message["body"])]
    [notice] = zalo_sandbox.wait_for(status_notice, timeout=60)
    assert notice["kind"] in ("cs", "transaction") and "Ông/Bà" in str(notice["body"])
    assert CODE in zalo_sandbox.http.get(phone_view).text

    listing = admin.get("/bac-ninh/admin/registrations/")
    assert listing.status_code == 200 and registration["reference"] in listing.text and CODE in listing.text
