"""What the bot reads: dossiers by a loosely typed code, the catalogue, the province's desk, tenant-scoped."""

import pytest

from platform_core.bot import answers, lookup
from platform_core.bot.handler import answer_to
from platform_core.bot.lookup import Sender
from platform_core.extensions import db
from platform_core.tenancy.models import Province
from tests import factories
from tests.bot.conftest import add_dossier
from tests.conftest import CANARY, as_tenant

CODE = "000.00.24.H04-251128-0001"
STRANGER = Sender("8000001")


@pytest.mark.parametrize("typed", [
    CODE, CODE.lower(), "000 00 24 H04 251128 0001", "000.00.24.H04–251128–0001", "0000024H042511280001",
])
def test_a_dossier_is_found_however_its_code_was_typed(tenant_a, typed):
    stored = add_dossier(tenant_a, code=CODE)
    with as_tenant(tenant_a):
        assert lookup.find_dossier(typed).id == stored.id


def test_stored_codes_are_normalised_too(tenant_a):
    stored = add_dossier(tenant_a, code="h15.50.05_250715/0001")
    with as_tenant(tenant_a):
        assert lookup.find_dossier("H15.50.05-250715-0001").id == stored.id


def test_a_different_code_is_not_a_match(tenant_a):
    add_dossier(tenant_a, code=CODE)
    with as_tenant(tenant_a):
        assert lookup.find_dossier("000.00.24.H04-251128-0002") is None


def test_another_provinces_code_gets_the_same_answer_as_an_unknown_one(tenant_a, tenant_b):
    """Asked from tenant A's OA, tenant B's dossier does not exist: same words as a typo, nothing of B."""
    b_code = "H15.50.05-250715-0001"
    add_dossier(tenant_b, code=b_code, applicant_name=f"Trần Thị {CANARY}")
    with as_tenant(tenant_a):
        for_b_code = answer_to(f"tra cứu {b_code}", STRANGER)
        for_unknown = answer_to("tra cứu H15.50.05-250715-0009", STRANGER)
        desk = lookup.desk()
    assert for_b_code == answers.not_found_answer(b_code, desk)
    assert for_b_code.replace(b_code, "") == for_unknown.replace("H15.50.05-250715-0009", "")
    assert CANARY not in for_b_code and "Trần" not in for_b_code


def test_the_owning_tenant_answers_its_own_code(tenant_b):
    add_dossier(tenant_b, code="H15.50.05-250715-0001")
    with as_tenant(tenant_b):
        assert "Trạng thái: Đã tiếp nhận" in answer_to("H15.50.05-250715-0001", STRANGER)


def test_procedures_are_searched_without_diacritics_in_the_tenants_catalogue(tenant_a):
    with as_tenant(tenant_a):
        factories.create_procedure("1.000656", "Đăng ký khai tử")
        factories.create_procedure("1.000999", "Đăng ký khai sinh lưu động", enabled=False)
        assert [p.code for p in lookup.search_procedures("khai sinh")] == ["1.001193"]
        assert [p.code for p in lookup.search_procedures("DANG KY THUONG TRU")] == ["1.004222"]
        assert {p.code for p in lookup.search_procedures("đăng ký khai")} == {"1.001193", "1.000656"}
        assert [p.code for p in lookup.search_procedures("1.004222")] == ["1.004222"]
        assert lookup.search_procedures("riêng") == []  # tenant B's procedure
        assert lookup.search_procedures("   ") == []


def test_a_procedure_search_answer_from_the_catalogue(tenant_a):
    with as_tenant(tenant_a):
        factories.create_procedure("1.004223", "Đăng ký tạm trú", processing_time_value=3,
                                   processing_time_unit="working_day", fee_vnd=15000)
        text = answer_to("thu tuc tam tru", STRANGER)
    assert "1. Đăng ký tạm trú (mã 1.004223)" in text
    assert "Thời hạn giải quyết: 3 ngày làm việc" in text and "Phí, lệ phí: 15.000 đồng" in text
    assert CANARY not in text


def test_the_desk_uses_the_province_profile_when_there_is_one(tenant_a):
    db.session.add(Province(slug="bac-ninh", code="24", name="Bắc Ninh", unit_type="tinh", source_checksum="0",
                            profile={"oa_name": "Trung tâm PVHCC tỉnh Bắc Ninh", "contact_phone": "+842223822222"}))
    db.session.flush()
    with as_tenant(tenant_a):
        desk = lookup.desk()
        text = answer_to("tra cứu 000.00.24.H04-251128-0009", STRANGER)
    assert desk == lookup.Desk("Trung tâm PVHCC tỉnh Bắc Ninh", "tỉnh Bắc Ninh", "02223822222")
    assert "đường dây nóng 02223822222" in text


def test_the_desk_prefers_the_connected_oas_name(tenant_a, connected_a):
    connected_a.oa_name = "Bắc Ninh - Dịch vụ công"
    with as_tenant(tenant_a):
        assert lookup.desk() == lookup.Desk("Bắc Ninh - Dịch vụ công", "tỉnh Bắc Ninh", None)


def test_without_profile_or_connection_the_desk_names_the_province(tenant_a):
    with as_tenant(tenant_a):
        assert lookup.desk() == lookup.Desk("Zalo OA tỉnh Bắc Ninh", "tỉnh Bắc Ninh", None)


def test_the_code_key_is_kept_in_step_with_the_code(tenant_a, db_session):
    from platform_core.dossiers.models import Dossier

    dossier = Dossier(code="000.00.24.H04-251128-0077")
    assert dossier.code_key == "0000024h042511280077"
    dossier.code = "H15.50.05-250715-0001"
    assert dossier.code_key == "h155005250715" + "0001"
