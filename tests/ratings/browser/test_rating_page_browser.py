"""A citizen on a phone, JavaScript off, rates a returned dossier from the link in the Zalo message, then
changes the rating; a mangled link says so. Screenshots go to test-artifacts/e2e/rating-*.png."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.ratings import service
from platform_core.ratings.models import Rating
from platform_core.tenancy.models import Tenant
from tests.conftest import as_tenant
from tests.ratings.conftest import invitation_of, returned_dossier

pytestmark = pytest.mark.browser
CODE = "000.00.24.H04-251128-0077"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="module")
def link(site):
    with site["app"].app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        with as_tenant(tenant):
            token = service.token_for(invitation_of(returned_dossier(CODE, procedure_code="1.001193")))
            db.session.commit()
        db.session.remove()
    return f"{site['url']}/bac-ninh/danh-gia/{token}"


def stored(site) -> Rating:
    with site["app"].app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        with as_tenant(tenant):
            rating = db.session.scalar(select(Rating))
        db.session.remove()
        return rating


def test_a_citizen_rates_on_a_phone_without_javascript(site, link, page, screenshots):
    page.goto(link)
    expect(page.get_by_role("heading", name="Mức độ hài lòng của Ông/Bà", level=1)).to_be_visible()
    expect(page.get_by_text(CODE)).to_be_visible()
    page.screenshot(path=screenshots / "rating-01-page.png", full_page=True)
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Hãy chọn một trong năm mức.")).to_be_visible()

    page.get_by_label("Bình thường", exact=True).check()
    page.get_by_text("Đánh giá chi tiết hơn (không bắt buộc)").click()
    page.get_by_label("Thái độ, sự hỗ trợ của cán bộ").select_option(label="Rất hài lòng")
    page.get_by_label("Góp ý (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình")
    page.get_by_role("button", name="Gửi đánh giá").click()
    expect(page.get_by_text("Cảm ơn Ông/Bà: đánh giá đã được ghi nhận.")).to_be_visible()
    expect(page.get_by_label("Bình thường", exact=True)).to_be_checked()
    page.screenshot(path=screenshots / "rating-02-recorded.png", full_page=True)

    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_role("button", name="Đổi đánh giá").click()
    expect(page.get_by_text("Ông/Bà đã đánh giá hồ sơ này “Hài lòng”")).to_be_visible()
    rating = stored(site)
    assert (rating.score, rating.criteria_scores, rating.comment) == (4, {"staff_attitude": 5},
                                                                       "Cán bộ hướng dẫn tận tình")


def test_a_mangled_link_is_refused_with_a_clear_page(site, link, page):
    response = page.goto(link[:-6] + "AAAAAA")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Đường dẫn đánh giá không hợp lệ")).to_be_visible()
