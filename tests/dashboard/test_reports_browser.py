"""An officer reads the reports in a real browser (phone-sized): charts with their accessible names and tables,
another period, a CSV download. Screenshots go to test-artifacts/e2e/reports-*.png."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from tests import factories
from tests.conftest import as_tenant
from tests.e2e import conftest as e2e

pytestmark = pytest.mark.browser

site, browser, page, screenshots = e2e.site, e2e.browser, e2e.page, e2e.screenshots  # the e2e server


@pytest.fixture(autouse=True)
def db_session():
    """These tests talk to the e2e server and its own database, not the suite's rolled-back session."""
    yield None


@pytest.fixture(scope="module")
def this_month(site):
    """Bắc Ninh today: three dossiers (one returned), a delivered card, two followers."""
    with site["app"].app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        now = utcnow()
        received = now.astimezone(VIETNAM).replace(hour=0, minute=5).isoformat()
        due = (now + timedelta(days=5)).astimezone(VIETNAM).isoformat()
        with as_tenant(tenant):
            dossiers = [factories.create_dossier(f"000.00.24.H04-251128-010{index}", procedure_code="1.001193",
                                                 received_at=received, due_at=due) for index in range(3)]
            dossiers[0].status, dossiers[0].completed_at = 10, now
            factories.create_delivery("transaction", "delivered", now, sent_at=now, delivered_at=now,
                                      dossier_id=dossiers[0].id)
            factories.create_follower("e2e-follower-1", followed_at=now - timedelta(minutes=5))
            factories.create_follower("e2e-follower-2", followed_at=now - timedelta(minutes=4))
            db.session.commit()
        db.session.remove()


def sign_in_officer(page, site):
    page.goto(f"{site['url']}/login?lang=en")
    page.get_by_label("Email").fill(site["officer_email"])
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_attached()  # on a phone, in the folded menu


def test_an_officer_reads_the_reports_and_downloads_a_table(site, this_month, page, screenshots):
    sign_in_officer(page, site)
    page.goto(f"{site['url']}/bac-ninh/admin/")
    e2e.open_menu(page)
    page.get_by_role("navigation", name="Province console").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", level=1)).to_be_visible()

    status_chart = page.get_by_role("img", name="Dossiers by status")
    expect(status_chart).to_be_visible()
    status_table = page.get_by_role("table", name="Dossiers by status")
    expect(status_table.get_by_role("row", name="All")).to_contain_text("3")
    expect(page.get_by_role("img", name="Followers over time")).to_be_visible()
    page.screenshot(path=screenshots / "reports-01-this-month.png", full_page=True)
    page.locator("#messages").screenshot(path=screenshots / "reports-01-messages-section.png")

    page.get_by_label("Period").select_option(label="Last 3 months")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(f"{site['url']}/bac-ninh/admin/reports/?period=3months&date_from=&date_to=")
    expect(page.get_by_role("table", name="Dossiers by status").get_by_role("row", name="All")).to_contain_text("3")

    section = page.locator("#messages")
    with page.expect_download() as download_info:
        section.get_by_role("link", name="Download as CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("bac-ninh-messages-")
    body = download.path().read_text(encoding="utf-8")
    assert body.startswith("\ufeff") and "Zalo transaction message" in body

    page.get_by_role("link", name="Monthly Zalo usage by department (emulation review)").click()
    expect(page.get_by_role("heading", name="Monthly Zalo usage by department", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Monthly Zalo usage by department")).to_contain_text("UBND xã Bắc Ninh")
    page.screenshot(path=screenshots / "reports-02-departments.png", full_page=True)
