"""The schemas for tenants/ files: what they accept, what they refuse and with which message."""

import pytest
from marshmallow import ValidationError

from platform_core.db.checksum_upsert import checksum
from platform_core.provisioning.schemas import (
    DefaultCatalogueSchema,
    ProcedureChangeSchema,
    ProcedureSchema,
    ProvinceCatalogueSchema,
    TenantFileSchema,
)


def tenant_file(**changes) -> dict:
    data = {
        "slug": "an-giang", "code": "91", "name": "An Giang", "unit_type": "tinh",
        "legal_refs": ["202/2025/QH15", "19/2025/QĐ-TTg"],
        "predecessors": [{"name": "An Giang", "old_code": "89"}, {"name": "Kiên Giang", "old_code": "91"}],
    }
    return data | changes


def procedure(**changes) -> dict:
    data = {
        "code": "1.004222", "name": "Đăng ký thường trú", "field": "Đăng ký, quản lý cư trú", "level": "xa",
        "agency": "Công an cấp xã", "online_level": "toan_trinh",
        "processing_time": {"value": 7, "unit": "working_day"}, "fee_vnd": 20000,
    }
    return data | changes


def errors(schema, data) -> dict:
    with pytest.raises(ValidationError) as caught:
        schema.load(data)
    return caught.value.messages


def test_valid_tenant_file_loads_with_defaults_filled_in():
    loaded = TenantFileSchema().load(tenant_file())
    assert loaded["timezone"] == "Asia/Ho_Chi_Minh"
    assert loaded["profile"] is None
    assert loaded["predecessors"][1] == {"name": "Kiên Giang", "old_code": "91"}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": "1"}, "code", "must be two digits"),
    ({"code": 1}, "code", "must be a quoted string"),
    ({"unit_type": "huyen"}, "unit_type", "must be one of: tinh, thanh_pho"),
    ({"slug": "An Giang"}, "slug", "lower-case"),
    ({"legal_refs": []}, "legal_refs", "give at least one"),
    ({"colour": "red"}, "colour", "unknown field"),
])
def test_invalid_tenant_file_names_the_field(changes, field, message):
    assert message in errors(TenantFileSchema(), tenant_file(**changes))[field][0]


def test_tenant_file_needs_its_identity():
    messages = errors(TenantFileSchema(), {})
    assert set(messages) == {"slug", "code", "name", "unit_type", "legal_refs", "predecessors"}


def test_predecessor_old_code_is_checked():
    messages = errors(TenantFileSchema(), tenant_file(predecessors=[{"name": "An Giang", "old_code": "891"}]))
    assert messages == {"predecessors": {0: {"old_code": ["must be two digits"]}}}


def test_profile_is_validated():
    profile = {"oa_name": "Trung tâm PVHCC tỉnh An Giang", "contact_phone": "0912345678",
               "agencies": [{"name": "Công an tỉnh An Giang", "level": "huyen"}]}
    messages = errors(TenantFileSchema(), tenant_file(profile=profile))["profile"]
    assert "contact_phone" in messages
    assert messages["agencies"] == {0: {"level": ["must be one of: tinh, xa, nganh_doc, bo"]}}


@pytest.mark.parametrize("code", ["1.004222", "2.000635", "1.000948.H38", "1.001612.000.00.00.H01"])
def test_national_and_local_procedure_codes_are_accepted(code):
    assert ProcedureSchema().load(procedure(code=code))["code"] == code


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"code": "1.0042"}, "code", "must look like 1.004222"),
    ({"code": 1.004222}, "code", "must be a quoted string"),
    ({"level": "huyen"}, "level", "must be one of: tinh, xa, trung_uong"),
    ({"online_level": "muc_4"}, "online_level", "must be one of: toan_trinh, mot_phan, khong"),
    ({"fee_vnd": -1}, "fee_vnd", "must be 0 or more"),
    ({"fee_vnd": "20000"}, "fee_vnd", "Not a valid integer"),
    ({"name": ""}, "name", "Length must be between 1 and"),
])
def test_invalid_procedure_names_the_field(changes, field, message):
    assert message in errors(ProcedureSchema(), procedure(**changes))[field][0]


@pytest.mark.parametrize(("processing_time", "field"), [
    ({"value": -1, "unit": "day"}, "value"),
    ({"value": 2, "unit": "week"}, "unit"),
    ({"unit": "day"}, "value"),
    ({"value": 2, "unit": "day", "until": "x"}, "until"),
])
def test_processing_time_is_checked(processing_time, field):
    assert field in errors(ProcedureSchema(), procedure(processing_time=processing_time))["processing_time"]


def test_unknown_fee_and_time_stay_null():
    loaded = ProcedureSchema().load(procedure(fee_vnd=None, processing_time=None))
    assert (loaded["fee_vnd"], loaded["processing_time"], loaded["fee_note"], loaded["enabled"]) == (
        None, None, None, True
    )


def test_a_change_needs_only_the_code_and_fills_nothing_in():
    assert ProcedureChangeSchema().load({"code": "1.004222", "agency": "Công an xã"}) == {
        "code": "1.004222", "agency": "Công an xã"
    }
    assert "code" in errors(ProcedureChangeSchema(), {"agency": "Công an xã"})


def test_the_change_schema_leaves_the_full_schema_strict():
    ProcedureChangeSchema()
    assert "name" in errors(ProcedureSchema(), {"code": "1.004222"})


@pytest.mark.parametrize("schema", [DefaultCatalogueSchema, ProvinceCatalogueSchema])
def test_catalogue_codes_must_be_unique(schema):
    data = {"procedures": [procedure(), procedure(name="again")]}
    assert errors(schema(), data) == {"procedures": ["duplicate codes: 1.004222"]}


def test_checksum_ignores_key_order_and_sees_values():
    first = procedure()
    reordered = dict(reversed(list(first.items())))
    assert checksum(first) == checksum(reordered)
    assert checksum(first) != checksum(procedure(fee_vnd=10000))
