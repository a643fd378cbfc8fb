"""The citizen's front door in a real Chromium with JavaScript off, at a phone's 390 px and a laptop's 1280 px:
search the catalogue and turn its pages, look a dossier up by its code, reach the feedback form, then follow
the OA through the page's link, which in tests opens the Zalo sandbox's phone view, where the citizen taps
"Quan tâm OA" and the signed follow webhook reaches the product."""

import re

import pytest
from playwright.sync_api import expect

from platform_core.catalogue.service import get_procedure
from platform_core.db.tenant_context import tenant_context
from platform_core.extensions import db
from tests import factories
from tests.e2e.conftest import ARTIFACTS, vi
from tests.e2e.test_layout import LAPTOP, PHONE
from tests.e2e.test_sandbox_phone import connect_site_tenant, events_for

pytestmark = pytest.mark.browser

CODE = "000.00.24.H04-260715-0001"


def _seed_catalogue_and_dossier(app, tenant) -> None:
    """Once per module's site (both screen sizes share it)."""
    with app.app_context(), tenant_context(tenant):
        if get_procedure("1.004222") is None:
            factories.create_procedure("1.004222", "Đăng ký thường trú", agency="Công an xã Bắc Ninh",
                                       field="Đăng ký, quản lý cư trú")
            for number in range(30):
                factories.create_procedure(f"8.{number:06d}", f"Thủ tục mẫu số {number:02d}", field="Thử nghiệm")
            factories.create_dossier(CODE)
            db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_citizen_front_door_to_following_the_oa(site, zalo_sandbox, browser, viewport, monkeypatch):
    seeded = zalo_sandbox.add_app("bac-ninh", webhook_url=f"{site['url']}/zalo/webhook/bac-ninh",
                                  oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    tenant = connect_site_tenant(site["app"], seeded, zalo_sandbox.mint_tokens(seeded.app_id))
    citizen = zalo_sandbox.add_user(seeded.app_id, display_name="Nguyễn Thị Hoa", phone="0912345678",
                                    is_follower=False)
    monkeypatch.setitem(site["app"].config, "ZALO_OA_PAGE_URL", f"{zalo_sandbox.base_url}/#oa-{{oa_id}}")
    _seed_catalogue_and_dossier(site["app"], tenant)
    width = viewport["width"]
    context = browser.new_context(viewport=viewport, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{site['url']}/bac-ninh/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh Bắc Ninh")
        expect(page.get_by_role("link", name=vi("Sign in"), exact=True)).to_have_count(0)
        expect(page.get_by_role("img", name=re.compile(r"^Mã QR của .+ trên Zalo$"))).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=ARTIFACTS / f"front-door-home-{width}.png", full_page=True)

        page.get_by_label("Tên hoặc mã thủ tục").fill("dang ky thuong tru")
        page.get_by_role("button", name=vi("Search"), exact=True).click()
        expect(page.locator(".procedure")).to_have_count(1)
        expect(page.locator(".procedure__name")).to_contain_text("Đăng ký thường trú")

        page.get_by_label("Tên hoặc mã thủ tục").fill("")
        page.get_by_label(vi("Sector")).select_option("Thử nghiệm")
        page.get_by_role("button", name=vi("Search"), exact=True).click()
        expect(page.get_by_text("Trang 1/2")).to_be_visible()
        page.get_by_role("link", name=vi("Next page")).click()
        expect(page.get_by_text("Trang 2/2")).to_be_visible()
        expect(page.locator(".procedure")).to_have_count(10)

        page.get_by_label(vi("Dossier code")).fill(CODE.lower().replace("-", " - "))
        page.get_by_role("button", name=vi("Look up"), exact=True).click()
        answer = page.locator(".lookup__text")
        expect(answer).to_contain_text(f"Hồ sơ {CODE}")
        expect(answer).to_contain_text("Người nộp: Nguyễn V** A*")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=ARTIFACTS / f"front-door-lookup-{width}.png", full_page=True)

        page.get_by_role("link", name="Quay lại trang tỉnh Bắc Ninh").click()
        page.get_by_role("link", name=vi("Send a feedback or petition")).click()
        expect(page.get_by_role("button", name=vi("Send"))).to_be_visible()
        page.go_back()

        page.get_by_role("link", name=re.compile(r"^Quan tâm .+ trên Zalo$")).click()
        expect(page).to_have_url(f"{zalo_sandbox.base_url}/#oa-{seeded.oa_id}")
        page.locator(f"#oa-{seeded.oa_id}").get_by_role("link", name="Mở điện thoại").click()
        page.get_by_role("button", name="Quan tâm OA").click()
        followed = zalo_sandbox.wait_for(
            lambda: [name for name, _ in events_for(site["app"], tenant, citizen["user_id"]) if name == "follow"],
            timeout=10)
        assert followed == ["follow"]
    finally:
        context.close()
