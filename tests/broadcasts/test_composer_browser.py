"""In real Chromium against a running stack (web, RQ workers, pump, Zalo sandbox): an admin composes policy news
with a banner and sees it as a citizen would, submits it; a second admin approves and sends it; the progress bar
moves to done and the page shows the final report. Screenshots go to test-artifacts/e2e/broadcasts-*.png."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.broadcasts.support import BANNER_PNG, add_followers, news_stack
from tests.e2e import conftest as e2e
from tests.pipeline.fixtures import db_session  # noqa: F401 - fixtures
from tests.pipeline.stack import running_stack

browser, screenshots = e2e.browser, e2e.screenshots
pytestmark = pytest.mark.browser

FOLLOWERS = 30


@pytest.fixture
def stack(tmp_path, redis_url, zalo_sandbox):
    with running_stack(tmp_path, redis_url, zalo_sandbox) as stack:
        stack.app.config["WTF_CSRF_ENABLED"] = True
        yield stack


def signed_in_page(browser, stack, email: str):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone-sized screen
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{stack.url}/login?lang=en")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_attached()  # on a phone, in the folded menu
    return page


def test_compose_submit_approve_send_and_watch_the_progress_bar_to_done(stack, zalo_sandbox, browser, screenshots,
                                                                        tmp_path):
    desk = news_stack(stack, zalo_sandbox)
    add_followers(stack, zalo_sandbox, desk, FOLLOWERS)
    stack.start_workers(1)
    stack.start_pump()
    banner = tmp_path / "banner.png"
    banner.write_bytes(BANNER_PNG)

    author = signed_in_page(browser, stack, desk.author_email)
    author.goto(f"{stack.url}/bac-ninh/admin/broadcasts/")
    author.get_by_role("link", name="Write news").click()
    author.get_by_label("Title").fill("Làm thủ tục cả sáng thứ Bảy")
    author.get_by_label("Text").fill("Từ ngày 01/12, Trung tâm Phục vụ hành chính công làm việc cả sáng thứ Bảy.")
    author.get_by_label("Link to the full article (optional)").fill("https://bacninh.gov.vn/tin/thu-bay")
    author.get_by_label("Image (optional)").set_input_files(str(banner))
    author.get_by_label("All followers").check()
    author.get_by_role("button", name="Save the draft").click()

    phone = author.locator(".zphone")
    expect(phone.locator(".zcard__header")).to_have_text("Làm thủ tục cả sáng thứ Bảy")
    expect(phone.locator(".zcard__button")).to_have_text("Xem chi tiết")
    expect(phone.locator(".news-card__banner")).to_be_visible()
    expect(author.locator("#news-estimate")).to_have_text(str(FOLLOWERS))
    author.screenshot(path=screenshots / "broadcasts-01-preview.png", full_page=True)
    author.get_by_role("button", name="Submit for approval").click()
    expect(author.locator("#news-status")).to_have_text("Waiting for approval")
    expect(author.get_by_text("Waiting for a second administrator to approve it.")).to_be_visible()
    expect(author.get_by_role("button", name="Approve")).to_have_count(0)
    broadcast_url = author.url

    approver = signed_in_page(browser, stack, desk.approver_email)
    approver.goto(broadcast_url)
    approver.get_by_role("button", name="Approve").click()
    expect(approver.locator("#news-status")).to_have_text("Approved")
    approver.get_by_role("button", name="Send now").click()
    expect(approver.get_by_role("progressbar")).to_be_visible()
    approver.screenshot(path=screenshots / "broadcasts-02-sending.png", full_page=True)

    expect(approver.locator("#news-status")).to_have_text("Sent", timeout=180_000)  # the script reloads the page
    expect(approver.get_by_role("progressbar")).to_have_js_property("value", FOLLOWERS)
    expect(approver.locator('[data-count="sent"]')).to_have_text(str(FOLLOWERS))
    expect(approver.locator('[data-count="failed"]')).to_have_text("0")
    expect(approver.get_by_role("heading", name="Report")).to_be_visible()
    expect(approver.get_by_text(re.compile(f"{FOLLOWERS} of {FOLLOWERS} messages sent, 0 failed"))).to_be_visible()
    approver.screenshot(path=screenshots / "broadcasts-03-done.png", full_page=True)
    assert len([m for m in zalo_sandbox.messages(oa_id=desk.province.oa_id) if m["kind"] == "promotion"]) == FOLLOWERS
