"""An officer in a real browser (phone-sized): the feedback inbox, one feedback, accepted, classified and
answered, the status changing on the page. Screenshots go to test-artifacts/e2e/feedback-*.png."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.feedback import service
from platform_core.feedback.constants import CHANNEL_WEB
from platform_core.tenancy.models import Tenant
from tests import factories
from tests.conftest import as_tenant
from tests.e2e import conftest as e2e

pytestmark = pytest.mark.browser

site, browser, page, screenshots = e2e.site, e2e.browser, e2e.page, e2e.screenshots  # the e2e server
CONTENT = "Cán bộ một cửa yêu cầu nộp thêm giấy tờ không có trong danh mục thủ tục."
ANSWER = "Sở Nội vụ đã nhắc nhở cán bộ; hồ sơ của bà được tiếp nhận mà không cần giấy tờ đó."


@pytest.fixture(autouse=True)
def db_session():
    """These tests talk to the e2e server and its own database, not the suite's rolled-back session."""
    yield None


@pytest.fixture(scope="module")
def feedback_code(site):
    with site["app"].app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        with as_tenant(tenant):
            code = service.submit(CHANNEL_WEB, CONTENT, name="Trần Thị Bình", phone="0987654321").code
            db.session.commit()
        db.session.remove()
    return code


def sign_in_as_officer(page, site):
    page.goto(f"{site['url']}/login?lang=en")
    page.get_by_label("Email").fill(site["officer_email"])
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_attached()  # on a phone, in the folded menu


def test_an_officer_answers_a_feedback_from_the_inbox(site, feedback_code, page, screenshots):
    sign_in_as_officer(page, site)
    page.goto(f"{site['url']}/bac-ninh/admin/")
    e2e.open_menu(page)
    page.get_by_role("navigation", name="Province console").get_by_role("link", name="Feedback").click()
    expect(page.get_by_role("heading", name="Feedback and petitions", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=feedback_code)
    expect(row).to_contain_text("Web form")
    page.screenshot(path=screenshots / "feedback-01-inbox.png", full_page=True)

    page.get_by_label("Status").select_option("submitted")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name=feedback_code).click()
    expect(page.get_by_role("heading", name=f"Feedback {feedback_code}")).to_be_visible()
    expect(page.get_by_text(CONTENT)).to_be_visible()
    status = page.locator("#feedback-status")
    expect(status).to_have_text("Submitted")

    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Accept done")
    expect(status).to_have_text("Accepted")
    classify = page.get_by_role("form", name="Classify")
    classify.get_by_label("Category").select_option("official_conduct")
    classify.get_by_label("Agency").fill("Sở Nội vụ")
    classify.get_by_role("button", name="Classify").click()
    expect(status).to_have_text("Classified")

    answer = page.get_by_role("form", name="Answer")
    answer.get_by_role("button", name="Answer").click()  # empty: refused on the field
    expect(page.get_by_text("Write the answer: the citizen receives it on Zalo.")).to_be_visible()
    expect(status).to_have_text("Classified")
    answer.get_by_role("textbox", name="Answer").fill(ANSWER)
    page.screenshot(path=screenshots / "feedback-02-answering.png", full_page=True)
    answer.get_by_role("button", name="Answer").click()
    expect(status).to_have_text("Answered")
    expect(page.get_by_text(ANSWER).first).to_be_visible()
    expect(page.get_by_role("button", name="Publish the answer")).to_be_visible()
    page.screenshot(path=screenshots / "feedback-03-answered.png", full_page=True)

    page.get_by_role("link", name="All feedback").click()
    expect(page.get_by_role("row").filter(has_text=feedback_code)).to_contain_text("Answered")
