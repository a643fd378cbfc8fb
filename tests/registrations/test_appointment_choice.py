"""Whether a procedure's form asks for an appointment is the province's choice, per procedure, in the console where
it chooses the form's fields (issue 13, part 2): none (the free slots are never offered), optional (offered, and
the form may be sent without one), required (one must be chosen while any slot is free). Audited; a value not
offered is refused (400)."""

from datetime import date, time

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.registrations import appointments, links, service
from platform_core.registrations.models import AppointmentSlot, Registration
from tests import factories
from tests.auth.support import signed_in_english as signed_in
from tests.clients import isolated_client
from tests.conftest import as_tenant

ADMIN = "/bac-ninh/admin/registrations/"
NONE, OPTIONAL, REQUIRED = "9.000001", "9.000002", "9.000003"


@pytest.fixture
def admin(app, tenant_a, db_session):
    with as_tenant(tenant_a):
        for code, name in ((NONE, "Chứng thực bản sao"), (OPTIONAL, "Đăng ký khai tử"), (REQUIRED, "Đăng ký kết hôn")):
            factories.create_procedure(code, name)
        appointments.make_slots(None, [(date(2099, 1, 5), time(8), time(9))], 2)  # for any procedure
        db.session.flush()
    factories.create_user("admin-a@motcua.vn", tenant=tenant_a, role="admin")
    return signed_in(app, "admin-a@motcua.vn")


def _open_all(admin, **modes):
    return admin.post(ADMIN, data={"open": [NONE, OPTIONAL, REQUIRED],
                                   **{f"fields-{code}": ["full_name"] for code in (NONE, OPTIONAL, REQUIRED)},
                                   **{f"appointment-{code}": mode for code, mode in modes.items()}})


def _slot_id(tenant) -> str:
    with as_tenant(tenant):
        return str(db.session.scalar(select(AppointmentSlot.id)))


def _form(app, tenant, code: str, citizen: str) -> str:
    with as_tenant(tenant):
        return f"/{tenant.slug}/dang-ky/{links.make_token(tenant.id, code, citizen)}"


def _registration(tenant, citizen: str) -> Registration:
    with as_tenant(tenant):
        return db.session.scalar(select(Registration).where(Registration.zalo_user_id == citizen))


def test_the_province_chooses_per_procedure_and_the_console_shows_it(admin, tenant_a):
    assert _open_all(admin, **{NONE: "none", OPTIONAL: "optional", REQUIRED: "required"}).status_code == 302
    with as_tenant(tenant_a):
        assert service.appointment_modes() == {NONE: "none", OPTIONAL: "optional", REQUIRED: "required"}
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "registration_settings_changed"))
        assert event.details["procedures"][NONE] == {"fields": ["full_name"], "appointment": "none"}
    html = admin.get(ADMIN).get_data(as_text=True)
    assert f'name="appointment-{NONE}"' in html and '<option value="none" selected>' in html
    assert '<option value="required" selected>' in html

    refused = _open_all(admin, **{NONE: "sometimes"})
    assert refused.status_code == 400 and "among the choices offered" in refused.get_data(as_text=True)
    _open_all(admin)  # no choice sent: each keeps its own
    with as_tenant(tenant_a):
        assert service.appointment_mode(NONE) == "none" and service.appointment_mode(REQUIRED) == "required"


def test_each_form_honours_the_choice(app, admin, tenant_a):
    _open_all(admin, **{NONE: "none", OPTIONAL: "optional", REQUIRED: "required"})
    citizen, slot_id = isolated_client(app), _slot_id(tenant_a)

    # none: no appointment offered, although a slot is free for any procedure; the form goes without one
    page = citizen.get(_form(app, tenant_a, NONE, "c1")).get_data(as_text=True)
    assert 'name="appointment"' not in page and slot_id not in page
    assert citizen.post(_form(app, tenant_a, NONE, "c1"), data={"full_name": "A"}).status_code == 200
    assert _registration(tenant_a, "c1").slot_id is None

    # optional: offered, with "no appointment" first; sent without one, or with one
    link = _form(app, tenant_a, OPTIONAL, "c2")
    page = citizen.get(link).get_data(as_text=True)
    assert slot_id in page and '<select' in page and '<option value="">' in page
    assert citizen.post(link, data={"full_name": "B", "appointment": ""}).status_code == 200
    assert _registration(tenant_a, "c2").slot_id is None
    assert citizen.post(_form(app, tenant_a, OPTIONAL, "c3"), data={"full_name": "C", "appointment": slot_id}
                        ).status_code == 200
    assert str(_registration(tenant_a, "c3").slot_id) == slot_id

    # required: refused without one while a slot is free
    link = _form(app, tenant_a, REQUIRED, "c4")
    refused = citizen.post(link, data={"full_name": "D"})
    assert refused.status_code == 422 and "field--error" in refused.get_data(as_text=True)
    assert _registration(tenant_a, "c4") is None
    assert citizen.post(link, data={"full_name": "D", "appointment": slot_id}).status_code == 200
    with as_tenant(tenant_a):
        db.session.expire_all()
        assert db.session.scalar(select(AppointmentSlot.booked)) == 2


def test_a_procedure_opened_without_a_choice_takes_an_optional_appointment(db_session, tenant_a):
    with as_tenant(tenant_a):
        factories.create_procedure(NONE, "Chứng thực bản sao")
        service.save_settings({NONE: ["full_name"]})
        assert service.appointment_mode(NONE) == "optional"
