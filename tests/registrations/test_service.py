"""Registrations in one tenant, without Zalo: the form's link (another province's, a tampered or spent one), the
bot's choice among procedures, and the personal data (retention purge, a citizen's export and erasure)."""

from datetime import timedelta

import pytest

from platform_core.citizens import records as citizen_records
from platform_core.citizens.consent import citizen
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ComposedMessage
from platform_core.extensions import db
from platform_core.registrations import bot, links, messages, service
from platform_core.registrations.models import Registration
from tests import factories
from tests.conftest import as_tenant

MARRIAGE = "9.000894"


@pytest.fixture
def opened(db_session, tenant_a):
    with as_tenant(tenant_a):
        factories.create_procedure(MARRIAGE, "Đăng ký kết hôn")
        factories.create_procedure("9.000893", "Đăng ký kết hôn có yếu tố nước ngoài")
        factories.create_procedure("9.001193", "Đăng ký khai sinh")
        service.save_settings({MARRIAGE: ["phone", "id_number"], "9.000893": [], "9.001193": ["full_name"]})
        yield tenant_a


def test_the_form_asks_the_chosen_fields_in_the_lists_order_and_none_means_name_and_phone(opened):
    assert service.settings() == {MARRIAGE: ["id_number", "phone"], "9.000893": ["full_name", "phone"],
                                  "9.001193": ["full_name"]}


def test_the_exact_name_wins_and_several_matches_are_offered_as_choices(opened):
    procedures = [procedure for procedure, _fields in service.offered()]
    assert [p.code for p in bot.match("ket", procedures)] == ["9.000894", "9.000893"]
    assert [p.code for p in bot.match("ket hon", procedures)] == [MARRIAGE]  # "đăng ký kết hôn", exactly
    assert [p.code for p in bot.match("khai sinh", procedures)] == ["9.001193"]


def test_a_link_is_refused_in_another_province_when_tampered_and_once_spent(opened, tenant_b):
    token = links.make_token(opened.id, MARRIAGE, "8001")
    with pytest.raises(service.LinkRefused, match="invalid"):
        service.open_link(tenant_b.id, token)
    with pytest.raises(service.LinkRefused, match="invalid"):
        service.open_link(opened.id, token[:-2] + "xx")
    with as_tenant(opened):
        registration = service.submit(token, {"phone": "0912345678", "id_number": "027190001234"}, opened.id)
        assert registration.zalo_user_id == "8001" and registration.answers["id_number"] == "027190001234"
        with pytest.raises(service.LinkRefused, match="used"):
            service.open_link(opened.id, token)
        service.save_settings({})
        with pytest.raises(service.LinkRefused, match="closed"):
            service.open_link(opened.id, links.make_token(opened.id, MARRIAGE, "8003"))


def test_answers_are_blanked_after_the_retention_period_and_on_erasure_and_exported_before(opened):
    with as_tenant(opened):
        old = service.submit(links.make_token(opened.id, MARRIAGE, "8001"), {"phone": "0912345678"}, opened.id)
        new = service.submit(links.make_token(opened.id, MARRIAGE, "8002"), {"phone": "0987654321"}, opened.id)
        old.created_at = utcnow() - timedelta(days=100)
        db.session.flush()
        assert service.purge_answers(utcnow() - timedelta(days=90), utcnow()) == 1
        db.session.expire_all()
        assert db.session.get(Registration, (opened.id, old.id)).answers == {}
        [row] = citizen_records.export(citizen("8002"))["registrations"]
        assert row["answers"] == {"phone": "0987654321"} and row["reference"] == new.reference
        assert citizen_records.erase(citizen("8002"))["registrations"] == 1
        db.session.expire_all()
        assert db.session.get(Registration, (opened.id, new.id)).answers == {}


def test_the_menu_numbers_the_procedures_gives_buttons_to_the_first_four_and_reads_its_codes_back(opened):
    with as_tenant(opened):
        procedures = [procedure for procedure, _fields in service.offered()] * 2
    menu = messages.menu(procedures[:5])
    assert messages.menu_codes(menu) == [p.code for p in procedures[:5]]
    assert [button.reply for button in menu.buttons] == [f"đăng ký {p.code}" for p in procedures[:4]]
    assert all(len(button.title) <= 35 and button.title[0].isdigit() for button in menu.buttons)
    assert messages.menu_codes(ComposedMessage(text="1. X (mã 1.2)")) == []
