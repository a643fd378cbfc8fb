"""An administrator in a real browser (phone-sized) sends a meeting notice from the console and finds it in the
list of notices. Screenshots go to test-artifacts/e2e/officials-*.png."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.officials.models import InternalNotice
from platform_core.tenancy.models import Tenant
from tests.conftest import as_tenant
from tests.console.test_console_browser import sign_in
from tests.e2e import conftest as e2e

pytestmark = pytest.mark.browser

site, browser, page, screenshots = e2e.site, e2e.browser, e2e.page, e2e.screenshots  # the e2e server


@pytest.fixture(autouse=True)
def db_session():
    """This test talks to the e2e server and its own database, not the suite's rolled-back session."""
    yield None


def test_an_admin_sends_a_meeting_notice_from_the_console(site, page, screenshots):
    sign_in(page, site)
    page.goto(f"{site['url']}/bac-ninh/admin/officials/")
    expect(page.get_by_role("heading", name="Notices to officials", level=1)).to_be_visible()
    page.get_by_role("link", name="New notice").click()

    page.get_by_label("Kind").select_option("meeting")
    page.get_by_label("Officials").select_option(site["admin_email"])
    page.get_by_label("Title").fill("Họp giao ban Trung tâm PVHCC")
    page.get_by_role("button", name="Send notice").click()
    expect(page.get_by_text("Enter when the meeting starts.")).to_be_visible()  # nothing sent yet

    page.get_by_label("Meeting starts at").fill("01/12/2026 08:00")  # as pages write it (web/dates.py)
    page.get_by_label("Meeting place").fill("Phòng họp tầng 2")
    page.screenshot(path=screenshots / "officials-01-new-notice.png", full_page=True)
    page.get_by_role("button", name="Send notice").click()
    expect(page.get_by_text("The notice was created for 1 official(s).")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Họp giao ban Trung tâm PVHCC")).to_be_visible()
    page.screenshot(path=screenshots / "officials-02-notices.png", full_page=True)

    with site["app"].app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        with as_tenant(tenant):
            [notice] = db.session.scalars(select(InternalNotice)).all()
            assert (notice.kind, notice.location, notice.starts_at.isoformat()) == (
                "meeting", "Phòng họp tầng 2", "2026-12-01T01:00:00+00:00")
        db.session.remove()
