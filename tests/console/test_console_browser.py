"""An administrator in a real browser (phone-sized): the dashboard, a failed message explained and retried,
an API key shown once, an officer invited. Screenshots go to test-artifacts/e2e/console-*.png."""

import re

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from tests import factories
from tests.conftest import as_tenant
from tests.e2e import conftest as e2e

pytestmark = pytest.mark.browser

site, browser, page, screenshots = e2e.site, e2e.browser, e2e.page, e2e.screenshots  # the e2e server
CODE = "000.00.24.H04-251128-0009"


@pytest.fixture(autouse=True)
def db_session():
    """These tests talk to the e2e server and its own database, not the suite's rolled-back session."""
    yield None


@pytest.fixture(scope="module")
def failed_delivery(site):
    """A dossier of Bắc Ninh whose card Zalo refused: the citizen does not follow the OA (-213)."""
    with site["app"].app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        with as_tenant(tenant):
            factories.create_dossier(CODE, procedure_code="1.001193")  # the e2e seed's procedure
            delivery = db.session.scalar(select(Delivery))
            delivery.state, delivery.channel, delivery.attempts, delivery.error_code = "failed", "transaction", 1, -213
            db.session.commit()
        db.session.remove()


def sign_in(page, site):
    page.goto(f"{site['url']}/login?lang=en")
    page.get_by_label("Email").fill(site["admin_email"])
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Verification code").fill(pyotp.TOTP(site["totp_secret"]).now())
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Signed in as")).to_be_attached()  # on a phone, in the folded menu


def test_an_admin_goes_through_the_console(site, failed_delivery, page, screenshots):
    sign_in(page, site)
    page.goto(f"{site['url']}/bac-ninh/admin/")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    e2e.open_menu(page)
    expect(page.get_by_role("navigation", name="Province console").get_by_role("link", name="Team")).to_be_visible()
    page.screenshot(path=screenshots / "console-01-dashboard.png", full_page=True)

    e2e.open_menu(page)
    page.get_by_role("link", name="Deliveries").click()
    page.get_by_label("Dossier code or phone number").fill("h04 251128 0009")
    page.get_by_role("button", name="Search").click()
    row = page.get_by_role("row").filter(has_text=CODE)
    expect(row).to_contain_text("The citizen does not follow the OA.")
    expect(row).to_contain_text("Ask the citizen to follow the province's Zalo OA")
    page.screenshot(path=screenshots / "console-02-failed-delivery.png", full_page=True)
    row.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("status")).to_contain_text("back in the queue")
    expect(page).to_have_url(re.compile(r"q=h04"))  # back to the same search
    expect(page.get_by_role("row").filter(has_text=CODE)).to_contain_text("Waiting to be sent")

    e2e.open_menu(page)
    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Name").fill("Một cửa Bắc Ninh")
    page.get_by_label(re.compile("^Live")).check()
    page.get_by_role("button", name="Create the key").click()
    key = page.get_by_label("The new key").input_value()
    assert re.fullmatch(r"motcua_live_[0-9a-f]{32}_[A-Za-z0-9_-]{43}", key)
    page.screenshot(path=screenshots / "console-03-key-shown-once.png", full_page=True)
    e2e.open_menu(page)
    page.get_by_role("link", name="API keys").click()
    expect(page.get_by_role("row").filter(has_text="Một cửa Bắc Ninh")).to_contain_text("Never")
    assert key not in page.content()

    e2e.open_menu(page)
    page.get_by_role("link", name="Team").click()
    page.get_by_label("E-mail address").fill("can-bo-moi@bacninh.gov.vn")
    page.get_by_label("Full name").fill("Ngô Thị Mới")
    page.get_by_label("Role", exact=True).select_option("officer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_label("Invitation link")).to_have_value(re.compile(r"/bac-ninh/setup/join/"))
    expect(page.get_by_role("row").filter(has_text="can-bo-moi@bacninh.gov.vn")).to_be_visible()
    page.screenshot(path=screenshots / "console-04-team.png", full_page=True)

    e2e.open_menu(page)
    page.get_by_role("link", name="Audit log").click()
    for sentence in ("API key created", "Failed message retried", "Invitation sent"):
        expect(page.get_by_role("row").filter(has_text=sentence)).to_be_visible()
    page.screenshot(path=screenshots / "console-05-audit-log.png", full_page=True)
