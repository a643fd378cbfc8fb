"""Catalogue records -> a tenant's Procedure rows: merge by code, write only what changed."""

from sqlalchemy import select

from platform_core.catalogue.loader import merge_catalogue, procedure_columns, upsert_procedures
from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from platform_core.provisioning.schemas import ProcedureSchema
from tests.conftest import as_tenant


def record(code="1.004873", **changes) -> dict:
    return ProcedureSchema().load({
        "code": code, "name": "Cấp Giấy xác nhận tình trạng hôn nhân", "field": "Hộ tịch", "level": "xa",
        "agency": "UBND cấp xã", "online_level": "mot_phan", "processing_time": {"value": 3, "unit": "working_day"},
    } | changes)


def test_a_change_replaces_only_the_fields_it_gives():
    defaults = [record(), record("1.000656", name="Đăng ký khai tử")]
    merged = merge_catalogue(defaults, [{"code": "1.004873", "agency": "UBND xã Hòa Vang"}])
    assert merged[0] == record(agency="UBND xã Hòa Vang")
    assert merged[1] == defaults[1]
    assert defaults[0]["agency"] == "UBND cấp xã"  # the defaults are not modified


def test_own_procedures_come_after_the_defaults():
    own = record("1.004873.H48", name="Riêng")
    assert [r["code"] for r in merge_catalogue([record()], [own])] == ["1.004873", "1.004873.H48"]


def test_processing_time_is_split_into_columns():
    columns = procedure_columns(record(processing_time={"value": 15, "unit": "day", "note": "kể từ ngày nhận"}))
    assert (columns["processing_time_value"], columns["processing_time_unit"], columns["processing_time_note"]) \
        == (15, "day", "kể từ ngày nhận")
    assert procedure_columns(record(processing_time=None))["processing_time_unit"] is None


def test_upsert_creates_then_leaves_unchanged_rows_alone(tenant_a):
    with as_tenant(tenant_a):
        first = upsert_procedures([record()])
        second = upsert_procedures([record()])
    assert (first.created, first.updated, first.unchanged) == (1, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1)
    assert str(second) == "0 created, 0 updated, 1 unchanged"


def test_upsert_rewrites_a_row_whose_source_changed(tenant_a):
    with as_tenant(tenant_a):
        upsert_procedures([record()])
        counts = upsert_procedures([record(fee_vnd=5000)])
        row = db.session.scalar(select(Procedure).where(Procedure.code == "1.004873"))
    assert counts.updated == 1
    assert row.fee_vnd == 5000


def test_upsert_writes_into_the_tenant_in_context_only(tenant_a, tenant_b):
    with as_tenant(tenant_b):
        upsert_procedures([record("1.000656", name="Đăng ký khai tử")])
    with as_tenant(tenant_a):
        assert db.session.scalar(select(Procedure).where(Procedure.code == "1.000656")) is None
    with as_tenant(tenant_b):
        assert db.session.scalar(select(Procedure).where(Procedure.code == "1.000656")).tenant_id == tenant_b.id
