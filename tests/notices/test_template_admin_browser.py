"""In real Chromium: the template editor's card preview follows what the admin types (template-preview.js)."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e import conftest as e2e

# The browser tests' fixtures (tests/e2e/conftest.py): their own server and database, Chromium, a phone-sized page.
site, browser, page, screenshots, db_session = e2e.site, e2e.browser, e2e.page, e2e.screenshots, e2e.db_session

pytestmark = pytest.mark.browser

SAMPLE_CODE = "H15.50.05.13-250715-0012"


def sign_in_as_admin(page, site) -> None:
    page.goto(f"{site['url']}/login?lang=en")
    page.get_by_label("Email").fill(site["admin_email"])
    page.get_by_label("Password").fill("mot-cua-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Verification code").fill(pyotp.TOTP(site["totp_secret"]).now())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Your provinces")).to_be_visible()


def test_the_card_preview_follows_what_the_admin_types(site, page, screenshots):
    sign_in_as_admin(page, site)
    page.goto(f"{site['url']}/bac-ninh/admin/templates/")
    page.get_by_role("link", name="Dossier received", exact=True).click()
    preview = page.locator("#template-preview")
    expect(preview.locator(".zcard__header")).to_have_text("Hồ sơ đã được tiếp nhận")

    page.get_by_label("Card title").fill("Đã nhận hồ sơ {{ ma_ho_so }}")
    expect(preview.locator(".zcard__header")).to_have_text(f"Đã nhận hồ sơ {SAMPLE_CODE}")
    page.get_by_label("Status colour").select_option("green")
    expect(preview.locator(".zcard__status--green")).to_have_text("Đã tiếp nhận")
    page.screenshot(path=screenshots / "templates-01-live-preview.png", full_page=True)

    card_text = page.get_by_label("Card text")
    card_text.press("End")
    card_text.type(" {{ ho_ten_sai }}")
    expect(preview.get_by_role("status")).to_contain_text("unknown field “ho_ten_sai”")
    expect(preview.locator(".zcard")).to_have_count(0)
    page.screenshot(path=screenshots / "templates-02-unknown-field.png", full_page=True)

    card_text.fill("Hồ sơ của Ông/Bà {{ nguoi_nop }} đã được tiếp nhận.")
    expect(preview.locator(".zcard__text")).to_have_text("Hồ sơ của Ông/Bà Nguyễn Thị Hoa đã được tiếp nhận.")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page).to_have_url(re.compile(r"/bac-ninh/admin/templates/received/history$"))
    expect(page.get_by_role("status")).to_contain_text("saved as version 2")
