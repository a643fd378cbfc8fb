"""End to end over real HTTP, Redis, an RQ worker, the delivery pump and the Zalo sandbox: a province system
attaches the PDF of a dossier's result through the public API.
- A citizen who wrote to the OA this week receives the PDF itself: Motcua uploads it (/v2.0/oa/upload/file) and
  sends a file message, which the sandbox's phone view shows and opens, byte for byte.
- A citizen who last wrote a month ago receives a card with a signed link; the page asks the phone's last digits,
  refuses wrong ones, and gives the PDF for the right ones; the console shows the result sent and downloaded."""

import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from tests import factories
from tests.auth.support import add_membership
from tests.pipeline.stack import add_province
from tests.results.support import PDF

CODE = "000.00.24.H04-261201-0007"
RESULT_PDF = PDF + b"% Giay chung nhan dang ky thuong tru\n"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def api_for(stack, province) -> httpx.Client:
    return httpx.Client(base_url=f"{stack.url}/api/v1", headers={"Authorization": f"Bearer {province.api_key}"},
                        timeout=10)


def result_ready_through_api(api: httpx.Client, applicant: dict) -> None:
    received = datetime.now(UTC) - timedelta(days=3)
    created = api.post("/dossiers", json={
        "code": CODE, "procedure_code": "1.004222", "received_at": iso(received),
        "due_at": iso(received + timedelta(days=9)), "applicant": applicant,
    })
    assert created.status_code == 201, created.text
    for status in ("processing", "result_ready"):
        response = api.post(f"/dossiers/{CODE}/events", json={"status": status, "occurred_at": iso(datetime.now(UTC))})
        assert response.status_code == 201, response.text


def attach(api: httpx.Client) -> dict:
    upload = {"file": ("gcn-thuong-tru.pdf", RESULT_PDF, "application/pdf")}
    response = api.put(f"/dossiers/{CODE}/result", files=upload)
    assert response.status_code == 201, response.text
    return response.json()


def file_messages(sandbox, province, citizen) -> list:
    return [message for message in sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
            if (message["body"].get("message") or {}).get("attachment", {}).get("type") == "file"]


def test_a_citizen_in_the_chat_window_receives_the_pdf_as_a_zalo_file(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=100, echo_sends=False)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Trần Thị Bình", phone="0987654321",
                                    is_follower=True, last_interaction=-3600)
    stack.start_workers(1)
    stack.start_pump()
    api = api_for(stack, province)
    result_ready_through_api(api, {"name": "Trần Thị Bình", "phone": "0987654321",
                                   "zalo_user_id": citizen["user_id"]})
    # The citizen asks about the dossier in the chat: the OA answers, and may now send consultation messages.
    assert zalo_sandbox.emit("user_send_text", province.app_id, user_id=citizen["user_id"],
                             text=f"tra cứu {CODE}")["status"] == 200
    zalo_sandbox.wait_for(lambda: [m for m in zalo_sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
                                   if m["kind"] == "cs"], timeout=60)
    attach(api)

    [message] = zalo_sandbox.wait_for(lambda: file_messages(zalo_sandbox, province, citizen), timeout=60)
    assert message["kind"] == "cs"
    assert len(zalo_sandbox.requests(path_contains="/v2.0/oa/upload/file")) == 1
    token = message["body"]["message"]["attachment"]["payload"]["token"]

    # The phone view shows the file by name and size, and opens it: the very PDF the province sent.
    phone = zalo_sandbox.http.get(f"/phone/{province.oa_id}/{citizen['user_id']}")
    assert phone.status_code == 200 and "gcn-thuong-tru.pdf" in phone.text and "1 KB" in phone.text
    opened = zalo_sandbox.http.get(f"/phone/{province.oa_id}/{citizen['user_id']}/files/{token}")
    assert opened.status_code == 200 and opened.content == RESULT_PDF
    assert zalo_sandbox.http.get(f"/phone/{province.oa_id}/other-user/files/{token}").status_code == 404

    # The API says how it went.
    sent = zalo_sandbox.wait_for(lambda: (body := api.get(f"/dossiers/{CODE}/result").json())["sent_as"] and body,
                                 timeout=30)
    assert (sent["sent_as"], sent["file_name"], sent["downloads"]) == ("file", "gcn-thuong-tru.pdf", 0)


def test_a_citizen_outside_it_gets_a_signed_link_that_asks_for_the_phones_last_digits(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    zalo_sandbox.settings(receipt_delay_ms=100, echo_sends=False)
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Lê Văn Cường", phone="0912345678",
                                    is_follower=True, last_interaction=-30 * 86400)
    stack.start_workers(1)
    stack.start_pump()
    api = api_for(stack, province)
    result_ready_through_api(api, {"name": "Lê Văn Cường", "phone": "0912345678",
                                   "zalo_user_id": citizen["user_id"]})
    attach(api)

    def result_card():
        return [message for message in zalo_sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
                if "Tải kết quả" in str(message["body"])]
    [card] = zalo_sandbox.wait_for(result_card, timeout=60)
    assert card["kind"] == "transaction" and "Ông/Bà" in str(card["body"])
    [button] = card["body"]["message"]["attachment"]["payload"]["buttons"]
    link = button["payload"]["url"]
    assert re.fullmatch(rf"{re.escape(stack.url)}/bac-ninh/ket-qua/[\w.-]+", link)
    assert zalo_sandbox.requests(path_contains="/v2.0/oa/upload/file") == []  # no file upload for a link

    browser = httpx.Client(timeout=10)
    page = browser.get(link)
    assert page.status_code == 200 and CODE in page.text and "4 số cuối" in page.text
    assert browser.post(link, data={"digits": "4321"}).status_code == 403
    downloaded = browser.post(link, data={"digits": "5678"})
    assert downloaded.status_code == 200 and downloaded.content == RESULT_PDF
    other = link.replace("/bac-ninh/", "/da-nang/")  # another province's address for the same token
    add_province(stack, zalo_sandbox, "da-nang", "Đà Nẵng")
    assert browser.get(other).status_code == 404

    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        actions = [event.action for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("result_%")).order_by(AuditEvent.created_at))]
        officer = factories.create_user("officer@bac-ninh.test", full_name="Cán bộ Một cửa")
        add_membership(officer, factories.tenant_by_slug("bac-ninh"), "officer")
        db.session.commit()
        db.session.remove()
    assert actions == ["result_attached", "result_download_refused", "result_downloaded"]
    console = httpx.Client(base_url=stack.url, timeout=10)
    assert console.post("/login", data={"email": "officer@bac-ninh.test",
                                        "password": factories.DEFAULT_PASSWORD}).status_code == 302
    listing = console.get("/bac-ninh/admin/results/")
    assert listing.status_code == 200 and CODE in listing.text
    assert "Đã gửi liên kết tải về" in listing.text and "đã tải 1 lần" in listing.text
