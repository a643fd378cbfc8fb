"""The console's registration pages in a real Chromium at a phone's 390 px and a laptop's 1280 px (issue 13, part
2): an administrator reads the latest registrations, opens one to read the citizen's answers and appointment,
makes appointment slots and sees them listed with their bookings, then gives the webhook's address and is shown
its secret once; with private addresses refused (production's rule), an internal address is refused on the
field. Every page fits the screen, its tables readable (tests/e2e/test_layout.py's checks).

Screenshots: test-artifacts/e2e/layout-registrations-*-<width>.png."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from platform_core.clock import VIETNAM
from platform_core.extensions import db
from platform_core.registrations import appointments, links, service
from platform_core.registrations.models import AppointmentSlot, RegistrationWebhook
from platform_core.tenancy.models import Tenant
from platform_core.workdays.calendar import calendar_for
from tests import factories
from tests.conftest import as_tenant
from tests.e2e.conftest import assert_fits, vi
from tests.e2e.test_layout import LAPTOP, PHONE, browse, check_layout, sign_in  # noqa: F401 - fixture
from tests.registrations.receiver import Receiver

pytestmark = pytest.mark.browser

ADMIN = "dang-ky@bacninh.gov.vn"
BIRTH = "1.001193"  # the site's procedure: "Đăng ký khai sinh"
ADMIN_PAGE = "/bac-ninh/admin/registrations/"


def working_day(after: int) -> date:
    day, calendar = datetime.now(VIETNAM).date() + timedelta(days=after), calendar_for("bac-ninh")
    while not calendar.is_working_day(day):
        day += timedelta(days=1)
    return day


@pytest.fixture(scope="module")
def registrations(site) -> dict:
    """On the site's database: an administrator, the birth procedure open to registration with a slot of three
    places, and two registrations (one with an appointment)."""
    with site["app"].app_context():
        bac_ninh = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        factories.create_user(ADMIN, full_name="Vũ Thị Đăng", tenant=bac_ninh, role="admin")
        with as_tenant(bac_ninh):
            service.save_settings({BIRTH: ["full_name", "id_number", "phone"]}, appointment={BIRTH: "optional"})
            day = working_day(3)
            appointments.make_slots(BIRTH, [(day, time(8), time(9))], 3)
            slot = db.session.scalar(select(AppointmentSlot))
            booked = service.submit(links.make_token(bac_ninh.id, BIRTH, "9001"), {
                "full_name": "Trần Thị Bình", "id_number": "027190001234", "phone": "0987654321"}, bac_ninh.id,
                slot_id=slot.id)
            plain = service.submit(links.make_token(bac_ninh.id, BIRTH, "9002"), {
                "full_name": "Lê Văn Cường", "id_number": "027190005678", "phone": "0912345678"}, bac_ninh.id)
            db.session.commit()
            found = {"booked": booked.reference, "plain": plain.reference, "day": day}
        db.session.remove()
    receiver = Receiver()
    yield found | {"receiver": receiver}
    receiver.server.shutdown()


def _without_webhook(site) -> None:
    """Each screen size starts with no webhook, so that saving one shows its secret."""
    with site["app"].app_context():
        bac_ninh = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        with as_tenant(bac_ninh):
            db.session.execute(delete(RegistrationWebhook))
            db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_registrations_answers_slots_and_webhook_in_the_console(site, registrations, browse,  # noqa: F811
                                                                  viewport, monkeypatch):
    width = viewport["width"]
    _without_webhook(site)
    page = browse(viewport)
    sign_in(page, site, ADMIN)

    # The list: the procedures open to registration, with the appointment choice, and the latest registrations.
    page.goto(site["url"] + ADMIN_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Registrations on Zalo"))
    choice = page.get_by_label(f"{vi('Appointment at the centre')}: Đăng ký khai sinh")
    expect(choice).to_have_value("optional")
    latest = page.locator("table", has_text=registrations["plain"])
    expect(latest.get_by_role("link", name=registrations["booked"])).to_be_visible()
    check_layout(page, viewport, "registrations-list", min_tables=2)

    # One registration: the answers, decrypted, and its appointment.
    latest.get_by_role("link", name=registrations["booked"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(registrations["booked"])
    expect(page.get_by_text("027190001234")).to_be_visible()
    expect(page.get_by_text(f"{registrations['day']:%d/%m/%Y}, 08:00–09:00")).to_be_visible()
    expect(page.get_by_role("button", name=vi("Cancel the appointment"))).to_be_visible()
    check_layout(page, viewport, "registrations-answers")

    # Appointment slots: the booked one listed, then an afternoon made for this screen's day.
    page.goto(site["url"] + ADMIN_PAGE)
    page.get_by_role("link", name=vi("Appointment slots")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Appointment slots"))
    expect(page.locator("main table")).to_contain_text("1/3")
    day = working_day(10 if width < 768 else 20)
    page.get_by_label(vi("Procedure"), exact=True).select_option(BIRTH)
    page.get_by_label(vi("First day")).fill(f"{day:%d/%m/%Y}")  # as a person types it (web/dates.py)
    page.get_by_label(vi("Starting at")).fill("13:30")
    page.get_by_label(vi("Ending at")).fill("15:30")
    page.get_by_label(vi("Length of a slot (minutes)")).fill("60")
    page.get_by_label(vi("Citizens per slot")).fill("4")
    page.get_by_role("button", name=vi("Make the slots")).click()
    expect(page.get_by_role("status")).to_contain_text("2")
    expect(page.locator("main table tr", has_text=f"{day:%d/%m/%Y}, 13:30–14:30")).to_contain_text("0/4")
    check_layout(page, viewport, "registrations-slots", min_tables=1)

    # The webhook: the address saved, the secret shown this once.
    page.goto(site["url"] + ADMIN_PAGE)
    page.get_by_role("link", name=vi("Webhook to your one-stop software")).click()
    page.get_by_label(vi("Webhook address")).fill(registrations["receiver"].url)
    page.get_by_role("button", name=vi("Save"), exact=True).click()
    expect(page.locator("#webhook-secret")).to_have_text(re.compile(r"^whsec_\S{20,}$"))
    check_layout(page, viewport, "registrations-webhook")
    page.reload()
    expect(page.locator("#webhook-secret")).to_have_count(0)
    expect(page.get_by_label(vi("Webhook address"))).to_have_value(registrations["receiver"].url)

    # Production's rule: an internal address is refused, on the field.
    monkeypatch.setitem(site["app"].config, "OUTGOING_WEBHOOK_ALLOW_PRIVATE", False)
    page.get_by_label(vi("Webhook address")).fill("https://10.20.30.40/motcua")
    page.get_by_role("button", name=vi("Save"), exact=True).click()
    refusal = vi("%(host)s is a private, loopback, link-local or reserved address: give the public address of "
                 "your one-stop software.") % {"host": "10.20.30.40"}
    expect(page.get_by_text(refusal)).to_be_visible()
    assert_fits(page, width)
