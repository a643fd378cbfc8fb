"""The design system at work, in a real Chromium at a phone's 390 px and a laptop's 1280 px: the main page of
every area (province console, operator console, setup wizard, sign-in, citizen pages, the Zalo sandbox's phone
view, the API documentation) fits the screen without sideways scrolling, its menu folds behind a button on the
phone and still works, its tables stay readable (labelled cards on a phone, the full width on a laptop), and its
icons are served.

Screenshots go to test-artifacts/e2e/layout-<area>-<width>.png; docs/screenshots/ keeps a copy (README).
"""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.onboarding.invitations import invite_province
from platform_core.tenancy.models import Tenant
from tests import factories
from tests.auth.support import add_membership
from tests.e2e.conftest import ARTIFACTS, assert_fits, vi
from tests.onboarding.conftest import add_province

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
PASSWORD = "mot-cua-test-password"  # tests/factories.py
ADMIN = "bo-cuc@bacninh.gov.vn"
OPERATOR = "van-hanh@motcua.vn"

# Problems a table can have, measured in the page: it sticks out of the screen, its text is tiny, on a phone a
# card-table still shows its header row or a cell lacks its label, on a laptop it does not take the width.
TABLE_PROBLEMS = """(width) => {
  const problems = [];
  let checked = 0;
  for (const table of document.querySelectorAll("main table")) {
    if (!table.getClientRects().length) continue;
    checked += 1;
    const holder = table.closest(".table-wrap") || table;
    const box = holder.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5) problems.push(`table box ${box.left}..${box.right}`);
    for (const cell of table.querySelectorAll("th, td")) {
      if (cell.getClientRects().length && parseFloat(getComputedStyle(cell).fontSize) < 14) {
        problems.push(`text under 14px: ${cell.textContent.trim().slice(0, 30)}`);
      }
    }
    if (table.classList.contains("table--stack") && width < 768) {
      if (table.tHead && table.tHead.getBoundingClientRect().height > 1) problems.push("header row shown");
      for (const row of table.tBodies[0].rows) {
        const r = row.getBoundingClientRect();
        if (r.right > width + 0.5) problems.push(`card ${r.left}..${r.right}`);
      }
      for (const cell of table.querySelectorAll("td[data-label]")) {
        if (!getComputedStyle(cell, "::before").content.includes(cell.dataset.label)) {
          problems.push(`cell without its label ${cell.dataset.label}`);
        }
      }
    }
    if (width >= 1024) {
      const room = holder.parentElement.getBoundingClientRect().width;
      const own = !table.closest(".zphone, .swagger-ui");  // a Zalo card's table, Swagger UI's
      if (own && box.width < room - 2) problems.push(`table ${box.width} of ${room}`);
    }
  }
  return {checked, problems};
}"""


@pytest.fixture(scope="module")
def people(site) -> dict:
    """On the site's database: an administrator and an operator without TOTP (a TOTP code cannot be used by two
    sign-ins in a row), more members for the team table, and Huế invited with its setup link."""
    with site["app"].app_context():
        bac_ninh = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        factories.create_user(ADMIN, full_name="Nguyễn Văn Bố Cục", tenant=bac_ninh, role="admin")
        for number in range(1, 4):
            member = factories.create_user(f"thanh-vien-{number}@bacninh.gov.vn", full_name=f"Thành viên {number}")
            add_membership(member, bac_ninh, "officer")
        factories.create_user(OPERATOR, full_name="Phạm Minh Quân", operator=True)
        add_province("hue", "Huế", "46", profile={"oa_name": "Trung tâm PVHCC thành phố Huế", "agencies": [
            {"name": "Trung tâm Phục vụ hành chính công thành phố Huế", "level": "tinh", "one_stop_centre": True}]})
        _, _, link = invite_province("hue", "quan-tri@hue.gov.vn", "Hoàng Thị Hương")
        db.session.commit()
        db.session.remove()
    return {"setup_path": re.sub(r"^https?://[^/]+", "", link)}


@pytest.fixture
def browse(browser, site):
    """Opens a Vietnamese browser at a size; records every response of ours that failed."""
    contexts = []

    def open_page(viewport: dict):
        context = browser.new_context(viewport=viewport, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.failed = []
        page.on("response", lambda r: page.failed.append((r.status, r.url)) if r.status >= 400 else None)
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, site, email: str) -> None:
    page.goto(f"{site['url']}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label(vi("Password")).fill(PASSWORD)
    page.get_by_role("button", name=vi("Sign in")).click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def check_layout(page, viewport: dict, area: str, min_tables: int = 0) -> None:
    """No sideways scrolling, readable tables, icons served, nothing of ours failed; then a screenshot."""
    width = viewport["width"]
    assert_fits(page, width, area)  # waits for the finished page: stylesheets and fonts applied
    empty = page.evaluate("[...document.styleSheets].filter(sheet => !sheet.cssRules.length).map(s => s.href)")
    assert empty == [], f"{area}: stylesheets without a rule (not CSS, or not served): {empty}"
    tables = page.evaluate(TABLE_PROBLEMS, width)
    assert tables["problems"] == [] and tables["checked"] >= min_tables, (area, width, tables)
    icons = page.eval_on_selector_all("link[rel~=icon]", "links => links.map(link => link.href)")
    assert icons, f"{area} links no icon"
    for icon in icons:
        response = page.request.get(icon)
        assert response.status == 200 and response.headers["content-type"].startswith("image/"), icon
    assert page.failed == []
    page.screenshot(path=ARTIFACTS / f"layout-{area}-{width}.png")


def check_menu(page, viewport: dict, area: str, nav_name: str, link_name: str) -> None:
    """On a phone the section menu is folded behind the menu button, opens and closes, and its links work; on a
    laptop it is a side menu and there is no button."""
    button = page.get_by_role("button", name=vi("Menu"))
    link = page.get_by_role("navigation", name=nav_name).get_by_role("link", name=link_name, exact=True)
    if viewport["width"] >= 768:
        expect(button).to_be_hidden()
        expect(link).to_be_visible()
        return
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(link).to_be_hidden()
    expect(page.get_by_role("button", name=vi("Sign out"))).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(link).to_be_visible()
    expect(link).to_be_in_viewport()
    expect(page.get_by_role("button", name=vi("Sign out"))).to_be_visible()
    assert_fits(page, viewport["width"])
    page.screenshot(path=ARTIFACTS / f"layout-{area}-menu-{viewport['width']}.png")
    page.keyboard.press("Escape")
    expect(link).to_be_hidden()
    expect(button).to_be_focused()
    button.click()
    href = link.get_attribute("href")
    link.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    expect(page.get_by_role("button", name=vi("Menu"))).to_have_attribute("aria-expanded", "false")


@VIEWPORTS
def test_province_console(site, people, browse, viewport):
    page = browse(viewport)
    sign_in(page, site, ADMIN)
    page.goto(f"{site['url']}/bac-ninh/admin/")
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Overview"))
    check_layout(page, viewport, "console-dashboard", min_tables=1)
    check_menu(page, viewport, "console", vi("Province console"), vi("Team"))

    page.goto(f"{site['url']}/bac-ninh/admin/team/")
    expect(page.locator("main").get_by_text("Thành viên 3", exact=True)).to_be_visible()
    check_layout(page, viewport, "console-team", min_tables=1)
    if viewport["width"] >= 768:  # the content column has the screen's width, not a 930 px column's
        assert page.locator(".console__body").bounding_box()["width"] > 900
    page.goto(f"{site['url']}/bac-ninh/admin/procedures/")
    expect(page.get_by_role("link", name="Đăng ký khai sinh")).to_be_visible()
    check_layout(page, viewport, "console-procedures", min_tables=1)


@VIEWPORTS
def test_operator_console(site, people, browse, viewport):
    page = browse(viewport)
    sign_in(page, site, OPERATOR)
    page.goto(f"{site['url']}/operator/")
    expect(page.get_by_role("link", name="Bắc Ninh")).to_be_visible()
    check_layout(page, viewport, "operator-home", min_tables=1)
    check_menu(page, viewport, "operator", vi("Operator console"), vi("Queues and failed jobs"))


@VIEWPORTS
def test_setup_wizard_step(site, people, browse, viewport):
    page = browse(viewport)
    page.goto(site["url"] + people["setup_path"])
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Province profile"))
    expect(page.get_by_text(vi("Step %(number)s of %(total)s").replace("%(number)s", "1").replace("%(total)s", "7")))\
        .to_be_visible()
    steps = page.locator("#section-nav")
    button = page.get_by_role("button", name=vi("Menu"))
    if viewport["width"] < 768:
        expect(steps).to_be_hidden()
        button.click()
        expect(steps).to_be_visible()
        expect(steps.get_by_text(vi("Connect Zalo OA"))).to_be_in_viewport()
        button.click()
    else:
        expect(button).to_be_hidden()
        expect(steps).to_be_visible()
    # A field's error is shown next to the field, and the page still fits.
    page.get_by_label(vi("Name shown to citizens")).fill("")
    page.get_by_role("button", name=vi("Save and continue")).click()
    field = page.locator(".field--error").filter(has=page.get_by_label(vi("Name shown to citizens")))
    expect(field.locator(".field__error")).to_be_visible()
    expect(page.get_by_label(vi("Name shown to citizens"))).to_have_attribute("aria-invalid", "true")
    check_layout(page, viewport, "wizard-profile")


@VIEWPORTS
def test_sign_in_page(site, browse, viewport):
    page = browse(viewport)
    page.goto(f"{site['url']}/login")
    expect(page.get_by_role("button", name=vi("Menu"))).to_have_count(0)  # nothing to fold for a visitor
    expect(page.get_by_role("link", name="English")).to_be_visible()
    page.get_by_label("Email").fill("khong-co@motcua.vn")
    page.get_by_label(vi("Password")).fill("sai-mat-khau")
    page.get_by_role("button", name=vi("Sign in")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    check_layout(page, viewport, "sign-in")


@VIEWPORTS
def test_citizen_pages(site, browse, viewport):
    page = browse(viewport)
    page.goto(f"{site['url']}/bac-ninh/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh Bắc Ninh")
    check_layout(page, viewport, "citizen-province")
    page.get_by_role("link", name=vi("Send a feedback or petition")).click()
    expect(page.get_by_role("button", name=vi("Send"))).to_be_visible()
    check_layout(page, viewport, "citizen-feedback")


@VIEWPORTS
def test_sandbox_phone_view(zalo_sandbox, browse, viewport):
    seeded = zalo_sandbox.add_app("bac-ninh", oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    citizen = zalo_sandbox.add_user(seeded.app_id, display_name="Nguyễn Thị Hoa", phone="0912345678")
    page = browse(viewport)
    page.goto(f"{zalo_sandbox.base_url}/phone/{seeded.oa_id}/{citizen['user_id']}")
    composer = page.get_by_label("Tin nhắn")
    expect(composer).to_be_in_viewport()
    composer.fill("Xin chào")
    page.get_by_role("button", name="Gửi").click()
    expect(page.locator(".bubble.user").filter(has_text="Xin chào")).to_be_visible()
    phone = page.locator(".phone").bounding_box()
    assert phone["x"] >= 0 and phone["x"] + phone["width"] <= viewport["width"]
    check_layout(page, viewport, "sandbox-phone")


@VIEWPORTS
def test_api_documentation(site, people, browse, viewport):
    page = browse(viewport)
    sign_in(page, site, ADMIN)
    page.goto(f"{site['url']}/bac-ninh/admin/api-keys/")
    page.get_by_role("link", name=vi("API documentation")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("API documentation"))
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible(timeout=30_000)  # Swagger UI (1.8 MB of script) drew the document
    assert operations.count() >= 9
    expect(page.get_by_text("/api/v1/dossiers/{code}/events", exact=True)).to_be_visible()
    check_layout(page, viewport, "api-docs")
