"""Migrations 0023 and 0027 on a database of their own (SQLite, or PostgreSQL with row-level security when the suite
runs on it): the values of the one-row tables they replace are read through the accessor after the upgrade, and
the downgrade puts them back."""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from platform_core import create_app
from platform_core.db.migrations import downgrade, upgrade
from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.extensions import db
from platform_core.onboarding import profile as profiles
from platform_core.settings.definitions import DEFAULT_RETENTION_DAYS, ProvinceSettings
from platform_core.settings.service import province_settings
from tests import factories
from tests.conftest import as_owner, make_test_config, one_worker_at_a_time

WHEN = datetime(2026, 12, 1, tzinfo=UTC)
RETENTION = sa.table("retention_policy", sa.column("tenant_id", sa.Uuid()), sa.column("id", sa.Uuid()),
                     sa.column("data_kind", sa.String()), sa.column("days", sa.Integer()),
                     sa.column("updated_at", sa.DateTime()))
RESULTS = sa.table("result_settings", sa.column("tenant_id", sa.Uuid()), sa.column("id", sa.Uuid()),
                   sa.column("allowed_hosts", sa.JSON()), sa.column("updated_at", sa.DateTime()))
RATING_ZNS = sa.table("rating_zns_template", sa.column("tenant_id", sa.Uuid()), sa.column("id", sa.Uuid()),
                      sa.column("zns_template_id", sa.String()), sa.column("zns_params", sa.JSON()),
                      sa.column("updated_by_id", sa.Uuid()), sa.column("updated_at", sa.DateTime()))
PROFILE = sa.table("tenant_profile", sa.column("tenant_id", sa.Uuid()), sa.column("id", sa.Uuid()),
                   sa.column("display_name", sa.String()), sa.column("agencies", sa.JSON()),
                   sa.column("contact_name", sa.String()), sa.column("contact_email", sa.String()),
                   sa.column("contact_phone", sa.String()), sa.column("address", sa.String()),
                   sa.column("logo", sa.LargeBinary()), sa.column("logo_content_type", sa.String()),
                   sa.column("updated_at", sa.DateTime()))
PARAMS = {"ten": "{{ nguoi_nop }}", "ma_ho_so": "{{ ma_ho_so }}"}


def test_0023_moves_the_old_tables_values_into_province_settings_and_back(committed_data, own_database, tmp_path):
    app = create_app(make_test_config(own_database, "redis://127.0.0.1:1/0", tmp_path / "instance"))
    with app.app_context(), one_worker_at_a_time(own_database):
        upgrade(revision="0021")
        first, second, untouched = (TenantRef(tenant.id, tenant.slug) for tenant in (
            factories.create_tenant(slug, slug, status="live") for slug in ("mig-one", "mig-two", "mig-three")))
        db.session.commit()
        db.session.remove()  # no transaction left open across the upgrade (a SQLite reader keeps its snapshot)
        editor = uuid.uuid4()
        as_owner(own_database, [
            RETENTION.insert().values(tenant_id=first.id, id=uuid.uuid4(), data_kind="chat_events", days=90,
                                      updated_at=WHEN),
            RETENTION.insert().values(tenant_id=first.id, id=uuid.uuid4(), data_kind="result_files", days=45,
                                      updated_at=WHEN),
            RESULTS.insert().values(tenant_id=first.id, id=uuid.uuid4(), allowed_hosts=["ketqua.one.gov.vn"],
                                    updated_at=WHEN),
            RATING_ZNS.insert().values(tenant_id=second.id, id=uuid.uuid4(), zns_template_id="270001",
                                       zns_params=PARAMS, updated_by_id=editor, updated_at=WHEN),
        ])
        upgrade()

        one, two, three = (read(tenant) for tenant in (first, second, untouched))
        assert one.retention_days == {**DEFAULT_RETENTION_DAYS, "chat_events": 90, "result_files": 45}
        assert (one.result_hosts, one.rating_zns) == (["ketqua.one.gov.vn"], None)
        assert two.rating_zns == {"zns_template_id": "270001", "zns_params": PARAMS}
        assert (two.retention_days, two.result_hosts) == (DEFAULT_RETENTION_DAYS, [])
        assert three == ProvinceSettings()  # every default
        db.session.remove()

        downgrade(revision="0021")
        rows = as_owner(own_database, [
            sa.select(RETENTION.c.tenant_id, RETENTION.c.data_kind, RETENTION.c.days),
            sa.select(RESULTS.c.tenant_id, RESULTS.c.allowed_hosts),
            sa.select(RATING_ZNS.c.tenant_id, RATING_ZNS.c.zns_template_id, RATING_ZNS.c.zns_params,
                      RATING_ZNS.c.updated_by_id)])
        assert sorted(rows[0]) == sorted([(first.id, "chat_events", 90), (first.id, "result_files", 45)])
        assert rows[1:] == [[(first.id, ["ketqua.one.gov.vn"])], [(second.id, "270001", PARAMS, editor)]]
        db.engine.dispose()


def test_0027_makes_the_profile_settings_and_its_logo_a_row_of_its_own_and_back(committed_data, own_database,
                                                                                tmp_path):
    app = create_app(make_test_config(own_database, "redis://127.0.0.1:1/0", tmp_path / "instance"))
    agencies = [{"name": "Công an tỉnh Một", "level": "tinh"}, {"name": "UBND xã Hai", "level": "xa"}]
    with app.app_context(), one_worker_at_a_time(own_database):
        upgrade(revision="0026")
        first, second, untouched = (TenantRef(tenant.id, tenant.slug) for tenant in (
            factories.create_tenant(slug, slug, status="live") for slug in ("pro-one", "pro-two", "pro-three")))
        db.session.commit()
        db.session.remove()
        as_owner(own_database, [
            PROFILE.insert().values(tenant_id=first.id, id=uuid.uuid4(), display_name="Trung tâm PVHCC Một",
                                    agencies=agencies, contact_name="Nguyễn Thị Lan", contact_email="lan@mot.gov.vn",
                                    contact_phone="0222 3822 123", address="Số 1 Lý Thái Tổ", logo=b"\x89PNG-one",
                                    logo_content_type="image/png", updated_at=WHEN),
            PROFILE.insert().values(tenant_id=second.id, id=uuid.uuid4(), display_name="Trung tâm PVHCC Hai",
                                    agencies=[], updated_at=WHEN),
        ])
        upgrade()

        one, two, three = (read(tenant) for tenant in (first, second, untouched))
        assert (one.display_name, one.agencies, one.contact_name, one.contact_email, one.contact_phone,
                one.address) == ("Trung tâm PVHCC Một", agencies, "Nguyễn Thị Lan", "lan@mot.gov.vn",
                                 "0222 3822 123", "Số 1 Lý Thái Tổ")
        assert (two.display_name, two.agencies, two.contact_email) == ("Trung tâm PVHCC Hai", [], None)
        assert three == ProvinceSettings()
        logos = [logo_of(tenant) for tenant in (first, second, untouched)]
        assert logos == [(b"\x89PNG-one", "image/png"), None, None]
        db.session.remove()

        downgrade(revision="0026")
        rows = as_owner(own_database, [sa.select(
            PROFILE.c.tenant_id, PROFILE.c.display_name, PROFILE.c.agencies, PROFILE.c.contact_phone,
            PROFILE.c.address, PROFILE.c.logo, PROFILE.c.logo_content_type)])
        assert sorted(rows[0], key=lambda row: row[1]) == [  # by name: Hai, Một
            (second.id, "Trung tâm PVHCC Hai", [], None, None, None, None),
            (first.id, "Trung tâm PVHCC Một", agencies, "0222 3822 123", "Số 1 Lý Thái Tổ", b"\x89PNG-one",
             "image/png")]
        assert as_owner(own_database, [sa.text("select count(*) from province_setting")]) == [[(0,)]]
        db.engine.dispose()


def logo_of(tenant: TenantRef):
    with tenant_context(tenant):
        logo = profiles.current_logo()
        return logo and (logo.data, logo.content_type)


def read(tenant: TenantRef):
    with tenant_context(tenant):
        return province_settings()
