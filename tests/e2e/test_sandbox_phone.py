"""The sandbox's phone view in Chromium: a citizen writes to the province's OA and the signed webhook reaches the
product; and the view looks like a phone's chat at 390 px and 1280 px (Pico, bubbles, buttons that are buttons,
a file message that opens its file, links). Screenshots: docs/screenshots/sandbox-phone-<width>.png (README)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.config import REPO_ROOT
from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from platform_core.zalo.connection import get_or_create_connection, save_credentials, store_token_pair
from platform_core.zalo.models import ZaloEvent
from tests.e2e.conftest import assert_fits

pytestmark = pytest.mark.browser


def connect_site_tenant(app, seeded, tokens) -> TenantRef:
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        ref = TenantRef(tenant.id, tenant.slug)
        with tenant_context(ref):
            connection = get_or_create_connection()
            save_credentials(connection, app_id=seeded.app_id, app_secret=seeded.app_secret, oa_id=seeded.oa_id,
                             oa_secret_key=seeded.oa_secret_key)
            store_token_pair(connection, tokens["access_token"], tokens["refresh_token"], 90_000)
            db.session.commit()
        db.session.remove()
        return ref


def events_for(app, tenant: TenantRef, user_id) -> list[tuple[str, str]]:
    with app.app_context(), tenant_context(tenant):
        rows = db.session.scalars(select(ZaloEvent).where(ZaloEvent.zalo_user_id == user_id)).all()
        found = [(row.event_name, row.raw_body) for row in rows]
        db.session.remove()
        return found


def test_citizen_message_from_the_phone_view_reaches_the_product(site, zalo_sandbox, page, screenshots):
    seeded = zalo_sandbox.add_app("bac-ninh", webhook_url=f"{site['url']}/zalo/webhook/bac-ninh",
                                  oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    tenant = connect_site_tenant(site["app"], seeded, zalo_sandbox.mint_tokens(seeded.app_id))
    citizen = zalo_sandbox.add_user(seeded.app_id, display_name="Nguyễn Thị Hoa", phone="0912345678")

    page.goto(f"{zalo_sandbox.base_url}/phone/{seeded.oa_id}/{citizen['user_id']}")
    page.get_by_label("Tin nhắn").fill("Tra cứu hồ sơ 000.00.24.H04-251128-0001")
    page.get_by_role("button", name="Gửi").click()
    page.get_by_text("000.00.24.H04-251128-0001").first.wait_for()
    page.screenshot(path=str(screenshots / "sandbox-phone-citizen-writes.png"), full_page=True)

    received = zalo_sandbox.wait_for(lambda: events_for(site["app"], tenant, citizen["user_id"]), timeout=10)
    [(event_name, raw_body)] = received
    assert event_name == "user_send_text" and "000.00.24.H04-251128-0001" in raw_body
    [delivery] = [d for d in zalo_sandbox.deliveries() if d.get("event_name") == "user_send_text"]
    assert delivery["status"] == 200


# --- what the phone view looks like -----------------------------------------------------------------------------

PHONE_SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
PDF = b"%PDF-1.4\n" + b"0" * 30_000 + b"\n%%EOF\n"
PORTAL = "https://dichvucong.bacninh.gov.vn/tra-cuu?ma=H15-0001"
ZALO_BLUE = "rgb(0, 104, 255)"


def _as_oa(zalo_sandbox, token: str, path: str, **kwargs) -> dict:
    """A call to a fake Zalo host as the province's app (its access token), as the product makes it."""
    response = zalo_sandbox.http.post(path, headers={"access_token": token}, **kwargs)
    assert response.json()["error"] == 0, response.text
    return response.json()


def _a_conversation(zalo_sandbox, seeded, citizen) -> None:
    """Everything a citizen's Zalo shows: a text with a link, a card with buttons, a file, a ZNS notice with a
    button; then the citizen's own message."""
    token = zalo_sandbox.mint_tokens(seeded.app_id)["access_token"]
    to = {"recipient": {"user_id": citizen["user_id"]}}
    _as_oa(zalo_sandbox, token, "/openapi/v3.0/oa/message/cs", json={**to, "message": {
        "text": f"Kính gửi Ông/Bà, hồ sơ tra cứu được tại {PORTAL}."}})
    _as_oa(zalo_sandbox, token, "/openapi/v3.0/oa/message/transaction", json={**to, "message": {"attachment": {
        "type": "template", "payload": {"template_type": "transaction_order", "language": "VI", "elements": [
            {"type": "header", "content": "Hồ sơ đã có kết quả"},
            {"type": "table", "content": [{"key": "Mã hồ sơ", "value": "H15-0001"},
                                          {"key": "Trạng thái", "value": "Có kết quả", "style": "green"}]}],
            "buttons": [{"title": "Tra cứu hồ sơ", "type": "oa.query.show", "payload": "#tracuu H15-0001"},
                        {"title": "Cổng dịch vụ công", "type": "oa.open.url",
                         "payload": {"url": "https://dichvucong.gov.vn"}}]}}}})
    upload = _as_oa(zalo_sandbox, token, "/openapi/v2.0/oa/upload/file",
                    files={"file": ("giay-chung-nhan.pdf", PDF, "application/pdf")})
    _as_oa(zalo_sandbox, token, "/openapi/v3.0/oa/message/cs", json={**to, "message": {"attachment": {
        "type": "file", "payload": {"token": upload["data"]["token"]}}}})
    zalo_sandbox.add_template("239001", template_name="Bản điện tử của kết quả",
                              preview="Hồ sơ <dossier_code> đã có bản điện tử của kết quả.",
                              listParams=[{"name": "dossier_code", "require": True, "maxLength": 40},
                                          {"name": "link", "require": True, "maxLength": 200}],
                              listButtons=[{"type": 1, "title": "Tải kết quả",
                                            "content": "https://motcua.example/<link>"}])
    _as_oa(zalo_sandbox, token, "/business/message/template", json={
        "phone": "84912345678", "template_id": "239001", "tracking_id": "phone-view",
        "template_data": {"dossier_code": "H15-0001", "link": "bac-ninh/ket-qua/abc"}})


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}],
                         ids=["390px", "1280px"])
def test_the_phone_view_looks_like_a_phone(zalo_sandbox, browser, viewport):
    seeded = zalo_sandbox.add_app("bac-ninh", oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    citizen = zalo_sandbox.add_user(seeded.app_id, display_name="Nguyễn Thị Hoa", phone="0912345678",
                                    is_follower=True, last_interaction="now")
    _a_conversation(zalo_sandbox, seeded, citizen)
    context = browser.new_context(viewport=viewport, locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{zalo_sandbox.base_url}/phone/{seeded.oa_id}/{citizen['user_id']}")
    page.get_by_label("Tin nhắn").fill("Cảm ơn, tôi đã nhận được")
    page.get_by_role("button", name="Gửi").click()
    mine = page.locator(".bubble.user").filter(has_text="Cảm ơn, tôi đã nhận được")
    expect(mine).to_be_visible()

    # The design system is there: every stylesheet has rules, Pico's font and the buttons in Zalo's blue.
    assert page.evaluate("[...document.styleSheets].every(sheet => sheet.cssRules.length > 0)")
    assert "Times" not in page.evaluate("getComputedStyle(document.body).fontFamily")
    send = page.get_by_role("button", name="Gửi")
    assert send.evaluate("b => getComputedStyle(b).backgroundColor") == ZALO_BLUE
    # A chat: the OA's bubbles on the left, the citizen's on the right, inside the phone.
    phone = page.locator(".phone").bounding_box()
    oa_text = page.locator(".bubble.oa").filter(has_text="Kính gửi Ông/Bà").bounding_box()
    mine_box = mine.bounding_box()
    assert oa_text["x"] - phone["x"] < 30 and phone["x"] + phone["width"] - (mine_box["x"] + mine_box["width"]) < 30
    # Buttons look and act as buttons; the link in a text is a link.
    for name in ("Tra cứu hồ sơ", "Cổng dịch vụ công", "Tải kết quả"):
        button = page.get_by_role("button", name=name)
        expect(button).to_be_visible()
        style = button.evaluate("b => [getComputedStyle(b).borderTopStyle, b.getBoundingClientRect().height]")
        assert style[0] == "solid" and style[1] >= 32, (name, style)
    expect(page.get_by_role("button", name="Cổng dịch vụ công")).to_have_attribute("href", "https://dichvucong.gov.vn")
    expect(page.get_by_role("button", name="Tải kết quả")).to_have_attribute(
        "href", "https://motcua.example/bac-ninh/ket-qua/abc")
    expect(page.get_by_role("link", name=PORTAL)).to_have_attribute("href", PORTAL)
    # The file message shows its name and size, and opens the very bytes sent.
    file_link = page.get_by_role("link", name=re.compile("giay-chung-nhan.pdf"))
    expect(file_link).to_contain_text("30 KB")
    with page.expect_download() as download:
        file_link.click()
    assert Path(download.value.path()).read_bytes() == PDF
    # Usable at this width: nothing scrolls sideways and the composer is on screen.
    assert_fits(page, viewport["width"])
    expect(page.get_by_label("Tin nhắn")).to_be_in_viewport()
    PHONE_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=PHONE_SCREENSHOTS / f"sandbox-phone-{viewport['width']}.png")
    context.close()
