"""The registrations console: one registration's answers, decrypted, each read audited; cancelling its
appointment frees the place; making and removing slots (admins only); the webhook's secret shown once."""

from datetime import date, time

import pytest
from sqlalchemy import select, text

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.registrations import appointments, links, service
from platform_core.registrations.models import AppointmentSlot, RegistrationWebhook
from tests import factories
from tests.auth.support import signed_in_english as signed_in
from tests.conftest import as_tenant

MARRIAGE = "9.000894"
ADMIN = "/bac-ninh/admin/registrations/"




@pytest.fixture
def booked(db_session, tenant_a):
    """A registration with an appointment in a slot of two places."""
    with as_tenant(tenant_a):
        factories.create_procedure(MARRIAGE, "Đăng ký kết hôn")
        service.save_settings({MARRIAGE: ["full_name", "id_number"]})
        appointments.make_slots(MARRIAGE, [(date(2099, 1, 5), time(8), time(9))], 2)
        slot = db.session.scalar(select(AppointmentSlot))
        registration = service.submit(links.make_token(tenant_a.id, MARRIAGE, "8001"),
                                      {"full_name": "Trần Thị Bình", "id_number": "027190001234"}, tenant_a.id,
                                      slot_id=slot.id)
        yield registration, slot


def test_an_officer_reads_the_answers_and_each_read_is_audited(app, tenant_a, booked):
    registration, _slot = booked
    factories.create_user("officer-a@motcua.vn", tenant=tenant_a, role="officer")
    officer = signed_in(app, "officer-a@motcua.vn")
    page = officer.get(f"{ADMIN}{registration.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "027190001234" in html and "Trần Thị Bình" in html and "Monday 05/01/2099, 08:00–09:00" in html
    with as_tenant(tenant_a):
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration_answers_viewed"))
        assert event.actor_email == "officer-a@motcua.vn" and event.target_id == str(registration.id)
    assert officer.get(f"{ADMIN}00000000-0000-0000-0000-000000000000").status_code == 404
    assert officer.post(ADMIN + "slots", data={}).status_code in (302, 403, 404)  # admins only make slots


def test_cancelling_in_the_console_frees_the_place_and_a_booked_slot_cannot_be_removed(app, tenant_a, booked):
    registration, slot = booked
    factories.create_user("admin-a@motcua.vn", tenant=tenant_a, role="admin")
    admin = signed_in(app, "admin-a@motcua.vn")
    assert admin.post(f"{ADMIN}slots/{slot.id}/delete").status_code == 302
    with as_tenant(tenant_a):
        assert db.session.get(AppointmentSlot, (tenant_a.id, slot.id)) is not None  # booked: kept
    assert admin.post(f"{ADMIN}{registration.id}/cancel-appointment").status_code == 302
    with as_tenant(tenant_a):
        db.session.expire_all()
        assert db.session.get(AppointmentSlot, (tenant_a.id, slot.id)).booked == 0
    removed = admin.post(f"{ADMIN}slots/{slot.id}/delete", follow_redirects=True)
    assert "The slot was removed." in removed.get_data(as_text=True)
    with as_tenant(tenant_a):
        db.session.expire_all()
        assert db.session.scalar(select(AppointmentSlot)) is None


def test_slots_skip_days_off_and_the_webhook_secret_is_shown_once_and_stored_encrypted(app, tenant_a, db_session):
    with as_tenant(tenant_a):
        planned = appointments.planned_starts(date(2026, 8, 28), date(2026, 9, 3), time(8), time(10), 60, "bac-ninh")
    days = sorted({day for day, _start, _end in planned})
    assert date(2026, 9, 2) not in days and date(2026, 8, 29) not in days  # National Day, a Saturday
    assert len(planned) == 2 * len(days)
    with pytest.raises(appointments.SlotsRefused):
        appointments.planned_starts(date(2026, 9, 5), date(2026, 9, 6), time(8), time(10), 60, "bac-ninh")

    factories.create_user("admin-a@motcua.vn", tenant=tenant_a, role="admin")
    admin = signed_in(app, "admin-a@motcua.vn")
    saved = admin.post(ADMIN + "webhook", data={"url": "https://motcua.bacninh.gov.vn/hook"})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "whsec_" in html and saved.headers["Cache-Control"] == "no-store"
    assert "whsec_" not in admin.get(ADMIN + "webhook").get_data(as_text=True)
    with as_tenant(tenant_a):
        hook = db.session.scalar(select(RegistrationWebhook))
        raw = db.session.execute(text("SELECT secret FROM registration_webhook"),  # the one webhook there is
                                 execution_options={"tenant_scoped_by_caller": True}).scalar()
        assert hook.secret in html and hook.secret not in str(raw)
    assert admin.post(ADMIN + "webhook", data={"url": "http://motcua.bacninh.gov.vn/hook"}).status_code == 422
