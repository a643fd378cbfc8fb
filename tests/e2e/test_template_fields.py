"""The message template editor without Jinja, in a real Chromium at a phone's 390 px and a laptop's 1280 px: an
administrator puts a dossier field into the card title and the chat message with the field buttons (inserted at
the cursor, static/js/template-fields.js), sees the live preview fill it in, is told in words about a name that
is no field, and saves; the stored template is the Jinja the workers render. Without JavaScript the fields are
listed as text to copy and the Preview button shows the result.

Screenshots: docs/screenshots/template-fields-<width>.png (referenced from the README)."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.config import REPO_ROOT
from platform_core.extensions import db
from platform_core.notices import templates
from platform_core.notices.rendering import SAMPLE_CONTEXT
from platform_core.tenancy.models import Tenant
from tests import factories
from tests.conftest import as_tenant
from tests.e2e.conftest import assert_fits, vi
from tests.e2e.test_layout import LAPTOP, PASSWORD, PHONE, browse, sign_in  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

ADMIN = "mau-tin@bacninh.gov.vn"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
CODE = SAMPLE_CONTEXT["ma_ho_so"]


@pytest.fixture(scope="module")
def admin(site) -> str:
    with site["app"].app_context():
        bac_ninh = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        factories.create_user(ADMIN, full_name="Phạm Thị Mẫu", tenant=bac_ninh, role="admin")
        db.session.commit()
        db.session.remove()
    return ADMIN


def open_editor(page, site) -> None:
    sign_in(page, site, ADMIN)
    page.goto(f"{site['url']}/bac-ninh/admin/templates/received")
    expect(page.get_by_role("heading", name=vi("Dossier received"), level=1)).to_be_visible()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_a_field_button_inserts_the_field_at_the_cursor_and_the_preview_fills_it_in(site, admin, browse, viewport):  # noqa: F811
    page = browse(viewport)
    open_editor(page, site)
    picker = page.locator("[data-field-picker]")
    preview = page.locator("#template-preview")
    expect(picker.locator("code").first).to_be_hidden()  # with JavaScript: buttons, not text to copy

    title = page.get_by_label(vi("Card title"))
    title.fill("Hồ sơ  đã được tiếp nhận")
    title.evaluate("box => box.setSelectionRange(6, 6)")  # the admin clicks between the two spaces
    expect(picker).to_contain_text(f"{vi('It goes into:')} {vi('Card title')}")
    picker.get_by_role("button", name="Mã hồ sơ", exact=True).click()
    expect(title).to_have_value("Hồ sơ [Mã hồ sơ] đã được tiếp nhận")
    expect(preview.locator(".zcard__header")).to_have_text(f"Hồ sơ {CODE} đã được tiếp nhận")

    chat = page.get_by_label(vi("Chat message"))
    chat.fill("Kính gửi Ông/Bà ,\nHồ sơ đã được tiếp nhận.")
    chat.evaluate("box => box.setSelectionRange(16, 16)")  # the admin clicks before the comma
    expect(picker).to_contain_text(f"{vi('It goes into:')} {vi('Chat message')}")
    picker.get_by_role("button", name="Họ tên người nộp").click()
    expect(chat).to_have_value("Kính gửi Ông/Bà [Họ tên người nộp],\nHồ sơ đã được tiếp nhận.")
    expect(preview.locator(".zbubble")).to_have_text("Kính gửi Ông/Bà Nguyễn Thị Hoa,\nHồ sơ đã được tiếp nhận.")
    assert_fits(page, viewport["width"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"template-fields-{viewport['width']}.png", full_page=True)

    chat.press("End")
    chat.type(" [Người ký]")
    expect(preview.get_by_role("status")).to_contain_text("không có trường “[Người ký]” (dòng 1)")
    for _ in " [Người ký]":
        chat.press("Backspace")
    expect(preview.locator(".zbubble")).to_have_text("Kính gửi Ông/Bà Nguyễn Thị Hoa,\nHồ sơ đã được tiếp nhận.")
    page.get_by_role("button", name=vi("Save as a new version")).click()
    expect(page).to_have_url(re.compile(r"/bac-ninh/admin/templates/received/history$"))
    with site["app"].app_context():
        bac_ninh = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        with as_tenant(bac_ninh):
            saved = templates.current_template("received")
            stored = saved.card_header, saved.text.replace("\r\n", "\n")  # a browser sends a textarea's lines so
        db.session.remove()
    assert stored[0] == "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận"
    assert stored[1] == "Kính gửi Ông/Bà {{ nguoi_nop }},\nHồ sơ đã được tiếp nhận."


def test_without_javascript_the_fields_are_text_to_copy_and_the_preview_button_shows_them(site, admin, browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    try:
        page = context.new_page()
        open_editor(page, site)
        picker = page.locator("[data-field-picker]")
        expect(picker.get_by_text("[Mã hồ sơ]", exact=True)).to_be_visible()
        expect(picker.get_by_role("button")).to_have_count(0)  # hidden until the script runs
        page.get_by_label(vi("Card title")).fill("Đã nhận hồ sơ [Mã hồ sơ]")
        page.get_by_role("button", name=vi("Preview"), exact=True).click()
        expect(page.locator("#template-preview .zcard__header")).to_have_text(f"Đã nhận hồ sơ {CODE}")
    finally:
        context.close()
