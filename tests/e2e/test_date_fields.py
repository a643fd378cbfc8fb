"""Dates typed as dd/mm/yyyy in a real Chromium whose own language is English, where `<input type="date">`
would have shown mm/dd/yyyy: an officer filters the deliveries by the day they were created (web/dates.py).
Screenshot: test-artifacts/e2e/date-filter-390.png."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from tests import factories
from tests.conftest import as_tenant
from tests.e2e.conftest import ARTIFACTS, assert_fits, vi
from tests.e2e.test_layout import PHONE, sign_in

pytestmark = pytest.mark.browser

RECENT, OLD = "000.00.24.H04-261207-0001", "000.00.24.H04-261120-0001"


@pytest.fixture(scope="module")
def deliveries(site) -> None:
    """On the site's database: a dossier notice created now, another created ten days ago."""
    with site["app"].app_context():
        bac_ninh = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        with as_tenant(bac_ninh):
            factories.create_dossier(OLD, procedure_code="1.001193")
            db.session.flush()
            for delivery in db.session.scalars(select(Delivery)).all():
                delivery.created_at = utcnow() - timedelta(days=10)
            factories.create_dossier(RECENT, procedure_code="1.001193")
            db.session.commit()
        db.session.remove()


@pytest.fixture
def english_browser_page(browser):
    context = browser.new_context(viewport=PHONE, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_a_date_typed_as_dd_mm_yyyy_filters_the_deliveries(site, deliveries, english_browser_page):
    page = english_browser_page
    sign_in(page, site, site["officer_email"])
    page.goto(f"{site['url']}/bac-ninh/admin/deliveries/")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    since = page.get_by_label(vi("From (date created)"))
    expect(since).to_have_attribute("type", "text")
    expect(since).to_have_attribute("placeholder", "dd/mm/yyyy")

    yesterday = utcnow().astimezone(VIETNAM).date() - timedelta(days=1)
    since.fill(f"{yesterday.day}/{yesterday.month}/{yesterday.year}")  # d/m/yyyy: no leading zeros needed
    page.get_by_role("button", name=vi("Search")).click()
    expect(page).to_have_url(re.compile(r"date_from="))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(RECENT)
    expect(page.get_by_label(vi("From (date created)"))).to_have_value(f"{yesterday:%d/%m/%Y}")
    assert_fits(page, PHONE["width"])  # the filters fit a phone
    page.screenshot(path=ARTIFACTS / "date-filter-390.png", full_page=True)

    # A day that does not exist passes the browser's pattern; the server says what to type.
    page.get_by_label(vi("From (date created)")).fill("31/02/2026")
    page.get_by_role("button", name=vi("Search")).click()
    expect(page.locator(".field__error")).to_have_text(
        "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 31/12/2026.")
    # Another order is not sent at all: the browser stops it at the field.
    page.get_by_label(vi("From (date created)")).fill("2026/02/01")
    assert page.get_by_label(vi("From (date created)")).evaluate("box => box.validity.patternMismatch")
