"""Policy news approved by a second administrator, in a real Chromium at a phone's 390 px and a laptop's 1280 px,
against a running stack (web, RQ worker, pump, Zalo sandbox): administrator A writes a piece of news and
submits it; administrator B is told on Zalo (the message reaches the sandbox over HTTP, with a button to the
broadcast's page; A, who submitted it, is not told), opens that link, signs in and approves it.

Screenshots: docs/screenshots/broadcast-approval-<step>-<width>.png (referenced from the README)."""

import re

import pytest
from playwright.sync_api import expect

from platform_core.config import REPO_ROOT
from tests import factories
from tests.admins_told_support import add_admins, texts
from tests.e2e import conftest as e2e
from tests.e2e.conftest import assert_fits, vi
from tests.e2e.test_layout import LAPTOP, PHONE
from tests.pipeline.fixtures import db_session  # noqa: F401 - fixtures
from tests.pipeline.stack import add_province
from tests.zalo_sandbox_fixtures import ZaloSandbox

browser = e2e.browser
pytestmark = pytest.mark.browser

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
TITLE = "Làm thủ tục cả sáng thứ Bảy"
LINK = re.compile(r"https?://\S+/bac-ninh/admin/broadcasts/[0-9a-f-]+")


def signed_in(browser, stack, viewport: dict, email: str, start: str = "/login"):
    """A Vietnamese browser at `viewport` that opens `start` and signs in there (a page that needs an account
    asks for it first, then goes on to that page)."""
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{stack.url}{start}")
    page.get_by_label("Email").fill(email)
    page.get_by_label(vi("Password")).fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name=vi("Sign in")).click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    return page


def shot(page, step: str, viewport: dict) -> None:
    assert_fits(page, viewport["width"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"broadcast-approval-{step}-{viewport['width']}.png", full_page=True)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_admin_a_submits_admin_b_is_told_on_zalo_and_approves(stack, zalo_sandbox, browser, viewport):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    lan, hung = add_admins(stack, zalo_sandbox, province, [("lan@bacninh.gov.vn", "Trần Thị Lan", True),
                                                           ("hung@bacninh.gov.vn", "Lê Văn Hùng", True)])
    stack.start_workers(1)
    stack.start_pump()

    author = signed_in(browser, stack, viewport, lan.email)
    author.goto(f"{stack.url}/bac-ninh/admin/broadcasts/")
    author.get_by_role("link", name=vi("Write news")).click()
    author.get_by_label(vi("Title")).fill(TITLE)
    author.get_by_label(vi("Text")).fill("Từ ngày 01/12, Trung tâm Phục vụ hành chính công làm việc cả sáng thứ Bảy.")
    author.get_by_label(vi("All followers")).check()
    author.get_by_role("button", name=vi("Save the draft")).click()
    author.get_by_role("button", name=vi("Submit for approval")).click()
    expect(author.locator("#news-status")).to_have_text(vi("Waiting for approval"))
    expect(author.get_by_role("button", name=vi("Approve"))).to_have_count(0)
    shot(author, "1-submitted", viewport)

    [told] = ZaloSandbox.wait_for(lambda: texts(zalo_sandbox, province, hung.zalo_user_id), timeout=60)
    assert f"Tin “{TITLE}” chờ phê duyệt" in told and "Trần Thị Lan đã gửi tin" in told
    link = LINK.search(told).group(0)
    assert link == author.url.split("?")[0]
    assert texts(zalo_sandbox, province, lan.zalo_user_id) == []  # who submitted it is not told

    phone = author.context.new_page()  # B's Zalo, as the sandbox's phone view shows it
    phone.goto(f"{zalo_sandbox.base_url}/phone/{province.oa_id}/{hung.zalo_user_id}")
    expect(phone.get_by_text(f"Tin “{TITLE}” chờ phê duyệt")).to_be_visible()
    shot(phone, "2-told-on-zalo", viewport)

    approver = signed_in(browser, stack, viewport, hung.email, start=link.removeprefix(stack.url))
    expect(approver).to_have_url(link)
    expect(approver.get_by_role("heading", name=TITLE)).to_be_visible()
    approver.get_by_role("button", name=vi("Approve")).click()
    expect(approver.locator("#news-status")).to_have_text(vi("Approved"))
    shot(approver, "3-approved", viewport)
