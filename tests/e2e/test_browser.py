"""A visitor and an administrator in a real browser: province page, language switch, TOTP sign-in, sign-out."""

import re

import pyotp
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_visitor_then_admin_with_totp(site, page, screenshots):
    page.goto(f"{site['url']}/bac-ninh/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tỉnh Bắc Ninh")
    expect(page.get_by_role("heading", name="Thủ tục hành chính")).to_be_visible()
    expect(page.get_by_text("Đăng ký khai sinh")).to_be_visible()
    expect(page.get_by_text("1 ngày làm việc")).to_be_visible()
    page.screenshot(path=screenshots / "01-province-vi.png", full_page=True)

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Administrative procedures")).to_be_visible()
    expect(page.get_by_text("1 working day")).to_be_visible()
    page.screenshot(path=screenshots / "02-province-en.png", full_page=True)

    expect(page.get_by_role("link", name="Sign in", exact=True)).to_have_count(0)  # a citizen's page: no staff link
    page.goto(f"{site['url']}/")  # staff sign in from the platform's page
    page.get_by_role("link", name="Sign in", exact=True).click()
    page.get_by_label("Email").fill(site["admin_email"])
    page.get_by_label("Password").fill("mot-cua-test-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/login/verify$"))
    expect(page.get_by_role("heading", name="Two-step verification")).to_be_visible()
    page.screenshot(path=screenshots / "03-totp-en.png", full_page=True)

    page.get_by_label("Verification code").fill(pyotp.TOTP(site["totp_secret"]).now())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Your provinces")).to_be_visible()
    expect(page.get_by_role("link", name="Bắc Ninh")).to_have_attribute("href", "/bac-ninh/")
    expect(page.get_by_role("link", name="Đà Nẵng")).to_be_visible()
    page.screenshot(path=screenshots / "04-landing-en.png", full_page=True)

    page.get_by_role("button", name="Menu").click()  # on a phone the account is in the menu
    expect(page.get_by_text("Signed in as Trần Thị Lan")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    page.screenshot(path=screenshots / "05-signed-out-en.png", full_page=True)


def test_failed_sign_in_shows_the_error_in_vietnamese(site, page, screenshots):
    page.goto(f"{site['url']}/login")
    page.get_by_label("Email").fill(site["admin_email"])
    page.get_by_label("Mật khẩu").fill("not-the-right-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Email hoặc mật khẩu không đúng.")
    expect(page.get_by_label("Email")).to_have_value(site["admin_email"])
    expect(page.get_by_label("Mật khẩu")).to_have_value("")
    page.screenshot(path=screenshots / "06-login-failed-vi.png", full_page=True)


def test_keyboard_users_reach_the_skip_link_first(site, page):
    page.goto(f"{site['url']}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_officer_turns_on_two_step_verification(site, page, screenshots):
    page.goto(f"{site['url']}/login")
    page.get_by_label("Email").fill(site["officer_email"])
    page.get_by_label("Mật khẩu").fill("mot-cua-test-password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/bac-ninh/admin/$"))  # an officer of one province: its console
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổng quan")

    page.goto(f"{site['url']}/")
    page.get_by_role("link", name="Bật xác thực hai bước").click()
    qr = page.get_by_role("img", name="Mã QR cho ứng dụng xác thực")
    expect(qr).to_be_visible()
    page.wait_for_load_state("load")  # a click's navigation is not waited for: measure once app.css is applied
    box = qr.locator("svg").bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150  # big enough for a phone camera
    page.screenshot(path=screenshots / "07-totp-setup-vi.png", full_page=True)

    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.get_by_label("Mã xác thực").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Bật xác thực hai bước").click()
    expect(page.get_by_role("status")).to_contain_text("Đã bật xác thực hai bước.")
