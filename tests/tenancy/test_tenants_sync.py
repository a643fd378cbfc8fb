"""`flask tenants sync`: validate every file first, then upsert provinces and each tenant's catalogue."""

import pytest
import yaml
from sqlalchemy import func, select

from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from platform_core.provisioning import sync
from platform_core.tenancy.models import Province
from tests import factories
from tests.conftest import CANARY, as_tenant
from tests.tenancy.conftest import invoke_sync, procedures_by_code, provinces_by_slug


def edit_yaml(path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def province_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Province))


def test_sync_creates_provinces_and_reports_counts(runner, tenants_dir):
    result = invoke_sync(runner, tenants_dir)
    assert result.exit_code == 0, result.output
    assert "Provinces: 4 created, 0 updated, 0 unchanged" in result.output
    an_giang = provinces_by_slug()["an-giang"]
    assert (an_giang["code"], an_giang["name"], an_giang["unit_type"]) == ("91", "An Giang", "tinh")
    assert an_giang["predecessors"] == [{"name": "An Giang", "old_code": "89"},
                                        {"name": "Kiên Giang", "old_code": "91"}]
    assert an_giang["profile"]["oa_name"] == "Trung tâm PVHCC tỉnh An Giang"
    assert an_giang["profile"]["legal_refs"] == ["202/2025/QH15", "19/2025/QĐ-TTg"]
    assert len(an_giang["source_checksum"]) == 64


def test_sync_writes_each_tenants_catalogue_into_that_tenant(runner, tenants_dir, tenant_a, tenant_b):
    result = invoke_sync(runner, tenants_dir)
    assert result.exit_code == 0, result.output
    bac_ninh, da_nang = procedures_by_code(tenant_a), procedures_by_code(tenant_b)
    assert bac_ninh["1.004222"]["agency"] == "Công an cấp xã, thành phố Bắc Ninh"
    assert da_nang["1.004222"]["agency"] == "Công an cấp xã, TP Đà Nẵng"
    assert bac_ninh["1.004222"]["tenant_id"] == tenant_a.id
    assert not any(CANARY in str(row) for row in bac_ninh.values())
    assert bac_ninh["1.004222"]["fee_vnd"] == 20000  # from the defaults: the province changed only the agency
    assert bac_ninh["1.013978"]["processing_time_value"] is None


def test_sync_reports_per_tenant_counts(runner, tenants_dir, tenant_a):
    with as_tenant(tenant_a):
        existing = set(db.session.scalars(select(Procedure.code)))
    defaults = yaml.safe_load((tenants_dir / "_defaults" / "catalogue.yaml").read_text())["procedures"]
    created = len({p["code"] for p in defaults} - existing)
    updated = len({p["code"] for p in defaults} & existing)
    result = invoke_sync(runner, tenants_dir)
    assert f"bac-ninh         {created} created, {updated} updated, 0 unchanged" in result.output


def test_sync_never_deletes_a_procedure_the_province_has(runner, tenants_dir, tenant_b):
    before = procedures_by_code(tenant_b)
    assert "9.999999" in before
    invoke_sync(runner, tenants_dir)
    assert procedures_by_code(tenant_b)["9.999999"] == before["9.999999"]


def test_second_sync_changes_nothing(runner, tenants_dir, tenant_a, tenant_b):
    assert invoke_sync(runner, tenants_dir).exit_code == 0
    provinces, catalogues = provinces_by_slug(), [procedures_by_code(t) for t in (tenant_a, tenant_b)]

    result = invoke_sync(runner, tenants_dir)

    assert result.exit_code == 0, result.output
    assert "Provinces: 0 created, 0 updated, 4 unchanged" in result.output
    assert "bac-ninh         0 created, 0 updated, 15 unchanged" in result.output
    assert "da-nang          0 created, 0 updated, 15 unchanged" in result.output
    assert provinces_by_slug() == provinces  # synced_at included
    assert [procedures_by_code(t) for t in (tenant_a, tenant_b)] == catalogues  # updated_at included


def test_sync_updates_only_the_changed_procedure(runner, tenants_dir, tenant_b):
    invoke_sync(runner, tenants_dir)
    before = procedures_by_code(tenant_b)

    def set_fee(data):
        data["procedures"][0]["fee_note"] = "Miễn phí khi nộp trực tuyến"  # 1.001193

    edit_yaml(tenants_dir / "da-nang" / "catalogue.yaml", set_fee)
    result = invoke_sync(runner, tenants_dir)

    assert "da-nang          0 created, 1 updated, 14 unchanged" in result.output
    after = procedures_by_code(tenant_b)
    assert after["1.001193"]["fee_note"] == "Miễn phí khi nộp trực tuyến"
    assert after["1.001193"]["source_checksum"] != before["1.001193"]["source_checksum"]
    assert {code: row for code, row in after.items() if code != "1.001193"} == {
        code: row for code, row in before.items() if code != "1.001193"
    }


def test_a_changed_default_reaches_every_tenant(runner, tenants_dir, tenant_a, tenant_b):
    invoke_sync(runner, tenants_dir)

    def rename(data):
        data["procedures"][0]["name"] = "Đăng ký khai sinh (sửa)"

    edit_yaml(tenants_dir / "_defaults" / "catalogue.yaml", rename)
    result = invoke_sync(runner, tenants_dir)

    assert "bac-ninh         0 created, 1 updated, 14 unchanged" in result.output
    for tenant in (tenant_a, tenant_b):
        assert procedures_by_code(tenant)["1.001193"]["name"] == "Đăng ký khai sinh (sửa)"


def test_a_changed_province_file_updates_the_registry(runner, tenants_dir):
    invoke_sync(runner, tenants_dir)
    before = provinces_by_slug()
    edit_yaml(tenants_dir / "ha-noi" / "tenant.yaml", lambda data: data.update(name="Thủ đô Hà Nội"))

    result = invoke_sync(runner, tenants_dir)

    assert "Provinces: 0 created, 1 updated, 3 unchanged" in result.output
    after = provinces_by_slug()
    assert after["ha-noi"]["name"] == "Thủ đô Hà Nội"
    assert after["ha-noi"]["synced_at"] > before["ha-noi"]["synced_at"]
    assert after["bac-ninh"] == before["bac-ninh"]


def test_a_local_edit_survives_a_sync_of_unchanged_files(runner, tenants_dir, tenant_a):
    invoke_sync(runner, tenants_dir)
    with as_tenant(tenant_a):
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == "1.012575"))
        procedure.enabled = False
        db.session.commit()
    invoke_sync(runner, tenants_dir)
    assert procedures_by_code(tenant_a)["1.012575"]["enabled"] is False


def test_tenants_without_a_folder_are_left_alone(runner, tenants_dir):
    custom = factories.create_tenant("thu-nghiem", "Thử nghiệm")
    with as_tenant(custom):
        factories.create_procedure("1.001193", "Bản riêng")
    result = invoke_sync(runner, tenants_dir)
    assert "Not synced (no folder in tenants/): thu-nghiem" in result.output
    assert procedures_by_code(custom)["1.001193"]["name"] == "Bản riêng"


# --- refusals ------------------------------------------------------------------------------------------------

def assert_refused_and_nothing_changed(result, tenant, before) -> None:
    assert result.exit_code != 0
    assert "nothing was changed" in result.output
    assert province_count() == 0
    assert procedures_by_code(tenant) == before


def test_invalid_files_are_all_reported_and_nothing_is_written(runner, tenants_dir, tenant_b):
    before = procedures_by_code(tenant_b)
    edit_yaml(tenants_dir / "ha-noi" / "tenant.yaml", lambda data: data.update(code="1"))
    edit_yaml(tenants_dir / "da-nang" / "catalogue.yaml", lambda data: data["procedures"][2].update(fee_vnd=-5))

    result = invoke_sync(runner, tenants_dir)

    assert "tenants/ha-noi/tenant.yaml: code: must be two digits" in result.output
    assert "tenants/da-nang/catalogue.yaml: procedures[2].fee_vnd: must be 0 or more" in result.output
    assert "2 problem(s)" in result.output
    assert_refused_and_nothing_changed(result, tenant_b, before)


def test_yaml_syntax_error_names_file_and_line(runner, tenants_dir, tenant_b):
    before = procedures_by_code(tenant_b)
    (tenants_dir / "an-giang" / "tenant.yaml").write_text('slug: an-giang\ncode: "91\nname: An Giang\n')

    result = invoke_sync(runner, tenants_dir)

    assert "tenants/an-giang/tenant.yaml: line 4, column 1: invalid YAML" in result.output
    assert_refused_and_nothing_changed(result, tenant_b, before)


@pytest.mark.parametrize(("setup", "expected"), [
    (lambda d: (d / "hue").mkdir(), "tenants/hue/tenant.yaml: file: missing"),
    (lambda d: (d / "_defaults" / "catalogue.yaml").unlink(), "tenants/_defaults/catalogue.yaml: file: missing"),
    (lambda d: (d / "ha-noi" / "tenant.yaml").write_text("- a list\n"),
     "tenants/ha-noi/tenant.yaml: file: must be a YAML mapping"),
    (lambda d: edit_yaml(d / "ha-noi" / "tenant.yaml", lambda data: data.update(slug="hanoi")),
     "tenants/ha-noi/tenant.yaml: slug: must equal the folder name 'ha-noi'"),
    (lambda d: edit_yaml(d / "ha-noi" / "tenant.yaml", lambda data: data.update(code="24")),
     "tenants/ha-noi/tenant.yaml: code: 24 is also bac-ninh's code"),
    (lambda d: edit_yaml(d / "da-nang" / "catalogue.yaml",
                         lambda data: data["procedures"].append({"code": "9.000001", "agency": "UBND"})),
     "tenants/da-nang/catalogue.yaml: procedures[15].name: Missing data for required field."),
    (lambda d: edit_yaml(d / "bac-ninh" / "catalogue.yaml", lambda data: data["procedures"][0].update(agncy="x")),
     "tenants/bac-ninh/catalogue.yaml: procedures[0].agncy: unknown field"),
])
def test_each_kind_of_problem_is_reported_with_file_and_field(runner, tenants_dir, tenant_b, setup, expected):
    before = procedures_by_code(tenant_b)
    setup(tenants_dir)
    result = invoke_sync(runner, tenants_dir)
    assert expected in result.output
    assert_refused_and_nothing_changed(result, tenant_b, before)


def test_missing_directory_is_refused(runner, tmp_path):
    result = invoke_sync(runner, tmp_path / "nowhere")
    assert result.exit_code != 0
    assert "nowhere: file: no such directory" in result.output


def test_a_province_own_complete_procedure_is_created(runner, tenants_dir, tenant_b):
    own = {"code": "1.004222.H48", "name": "Đăng ký thường trú (Đà Nẵng)", "field": "Cư trú", "level": "xa",
           "agency": "Công an phường Hải Châu", "online_level": "khong"}
    edit_yaml(tenants_dir / "da-nang" / "catalogue.yaml", lambda data: data["procedures"].append(own))
    result = invoke_sync(runner, tenants_dir)
    assert result.exit_code == 0, result.output
    row = procedures_by_code(tenant_b)["1.004222.H48"]
    assert (row["agency"], row["online_level"], row["fee_vnd"]) == ("Công an phường Hải Châu", "khong", None)


def test_a_failure_while_writing_keeps_nothing(tenants_dir, tenant_a, tenant_b, monkeypatch):
    """Provinces and the first tenant are written before the second tenant fails: all of it is undone."""
    before = procedures_by_code(tenant_a)
    original = sync.load_tenant_catalogue

    def fail_on_da_nang(tenant, records):
        if tenant.slug == "da-nang":
            raise RuntimeError("disk full")
        return original(tenant, records)

    monkeypatch.setattr(sync, "load_tenant_catalogue", fail_on_da_nang)
    with pytest.raises(RuntimeError):
        sync.sync(tenants_dir)
    assert province_count() == 0
    assert procedures_by_code(tenant_a) == before


def test_sync_logic_runs_without_click(tenants_dir, tenant_a):
    first = sync.sync(tenants_dir)
    second = sync.sync(tenants_dir)
    assert first.provinces.created == 4
    assert first.procedures["bac-ninh"].changed == 15
    assert first.changed > 0
    assert second.changed == 0
    assert second.procedures["bac-ninh"].unchanged == 15
