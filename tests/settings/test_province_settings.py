"""The one accessor of a province's settings: defaults, checks, who may change them, the audit, the cache of a
request, secrets, and tenant isolation (a province never reads nor writes another's)."""

import dataclasses
import json

import pytest
from sqlalchemy import Text, select, type_coerce

from platform_core.audit.models import AuditEvent
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.settings import service
from platform_core.settings.definitions import DEFAULT_RETENTION_DAYS, SETTINGS, ProvinceSettings, setting
from platform_core.settings.models import ProvinceSetting
from platform_core.settings.service import SettingRefused, province_settings, save_setting, save_settings
from tests import factories
from tests.conftest import as_tenant


def test_a_province_that_saved_nothing_reads_every_default(tenant_a):
    with as_tenant(tenant_a):
        settings = province_settings()
    assert settings == ProvinceSettings()
    assert (settings.retention_days, settings.result_hosts, settings.rating_zns, settings.result_zns) == (
        DEFAULT_RETENTION_DAYS, [], None, None)


def test_every_setting_has_a_default_a_check_an_editor_and_an_audit_event():
    for key, definition in SETTINGS.items():
        assert definition.clean(definition.default()) == definition.default(), key
        assert definition.editor in ("admin", "operator") and definition.audit_action, key


def test_a_saved_value_is_cleaned_read_back_and_audited(tenant_a):
    with as_tenant(tenant_a):
        assert save_setting("result_hosts", [" KetQua.BacNinh.gov.vn. ", "ketqua.bacninh.gov.vn", ""]) == [
            "ketqua.bacninh.gov.vn"]
        assert save_setting("retention_days", {"chat_events": 90, "unknown": 5})["chat_events"] == 90
        settings = province_settings()
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "retention_changed"))
    assert settings.result_hosts == ["ketqua.bacninh.gov.vn"]
    assert settings.retention_days == {**DEFAULT_RETENTION_DAYS, "chat_events": 90}
    assert audit.details == {"chat_events": [180, 90]}


def test_saving_the_same_value_again_records_no_event(tenant_a):
    with as_tenant(tenant_a):
        save_setting("result_hosts", ["ketqua.bacninh.gov.vn"])
        save_setting("result_hosts", ["ketqua.bacninh.gov.vn"])
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "result_sources_changed")).all()
        assert len(events) == 1 and len(db.session.scalars(select(ProvinceSetting)).all()) == 1


@pytest.mark.parametrize(("key", "value", "field"), [
    ("retention_days", {"chat_events": 5}, "chat_events"),
    ("retention_days", {"delivery_records": 4000}, "delivery_records"),
    ("retention_days", {"result_files": "90"}, "result_files"),
    ("result_hosts", ["http://ketqua.gov.vn/a"], "hosts"),
    ("result_hosts", [f"h{n}.gov.vn" for n in range(21)], "hosts"),
    ("rating_zns", {"zns_template_id": "abc", "zns_params": {}}, "zns_template_id"),
    ("rating_zns", {"zns_template_id": "270001", "zns_params": ["ten"]}, "zns_params"),
    ("result_zns", {"template_id": "mẫu 1", "code_param": "dossier_code", "link_param": "result_link"},
     "template_id"),
    ("result_zns", {"template_id": "٢٣٩٠٠١", "code_param": "dossier_code", "link_param": "result_link"},
     "template_id"),
    ("result_zns", {"template_id": "239001", "code_param": "mã hồ sơ", "link_param": "result_link"}, "code_param"),
    ("result_zns", {"template_id": "239001", "code_param": "dossier_code", "link_param": ""}, "link_param"),
    ("result_zns", {"template_id": "239001", "code_param": "ma_ho_so", "link_param": "ma_ho_so"}, "link_param"),
    ("display_name", "   ", "display_name"),
    ("display_name", "x" * 201, "display_name"),
    ("agencies", [{"name": "Sở Y tế", "level": "huyen"}], "agencies"),
    ("agencies", [{"name": " ", "level": "tinh"}], "agencies"),
    ("agencies", ["Sở Y tế"], "agencies"),
    ("agencies", [{"name": f"Cơ quan {n}", "level": "xa"} for n in range(101)], "agencies"),
    ("contact_email", "pvhcc-at-hanoi", "contact_email"),
    ("contact_phone", "gọi tôi", "contact_phone"),
    ("address", "x" * 301, "address"),
])
def test_a_value_the_definition_refuses_is_not_saved(tenant_a, key, value, field):
    with as_tenant(tenant_a):
        with pytest.raises(FieldError) as refused:
            save_setting(key, value)
        assert refused.value.field == field
        assert db.session.scalar(select(ProvinceSetting)) is None
        assert province_settings() == ProvinceSettings()


def test_only_the_editor_the_definition_names_may_change_a_setting(tenant_a, tenant_b):
    admin = factories.create_user("settings-admin@bac-ninh.vn", tenant=tenant_a, role="admin")
    officer = factories.create_user("settings-officer@bac-ninh.vn", tenant=tenant_a, role="officer")
    admin_elsewhere = factories.create_user("settings-admin@da-nang.vn", tenant=tenant_b, role="admin")
    operator = factories.create_user("settings-ops@motcua.vn", operator=True)
    with as_tenant(tenant_a):
        for refused in (officer, admin_elsewhere, operator):
            with pytest.raises(SettingRefused):
                save_setting("result_hosts", ["ketqua.bacninh.gov.vn"], actor=refused)
        assert province_settings().result_hosts == []
        save_setting("result_hosts", ["ketqua.bacninh.gov.vn"], actor=admin)
        row = db.session.scalar(select(ProvinceSetting))
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "result_sources_changed"))
    assert (row.updated_by_id, audit.actor_email) == (admin.id, admin.email)


def test_a_province_reads_and_writes_only_its_own_settings(tenant_a, tenant_b):
    with as_tenant(tenant_b):
        save_setting("result_hosts", ["canary-b.gov.vn"])
        save_setting("retention_days", {"chat_events": 45})
    with as_tenant(tenant_a):
        assert province_settings() == ProvinceSettings()  # B's rows are not A's
        save_setting("result_hosts", ["ketqua.bacninh.gov.vn"])  # a row of A's own, B's untouched
        assert [row.value for row in db.session.scalars(select(ProvinceSetting))] == [["ketqua.bacninh.gov.vn"]]
    with as_tenant(tenant_b):
        assert province_settings().result_hosts == ["canary-b.gov.vn"]
        assert province_settings().retention_days["chat_events"] == 45


def test_a_request_reads_the_settings_once_until_one_is_saved(app, tenant_a):
    statements = []
    with app.test_request_context(), as_tenant(tenant_a):
        db.session.flush()
        listen = lambda *args: statements.append(args[2])  # noqa: E731 - a listener for this test only
        db.event.listen(db.engine, "before_cursor_execute", listen)
        try:
            first, second = province_settings(), province_settings()
            reads = len([s for s in statements if "province_setting" in s])
            save_setting("result_hosts", ["ketqua.bacninh.gov.vn"])
            third = province_settings()
        finally:
            db.event.remove(db.engine, "before_cursor_execute", listen)
    assert first is second and reads == 1
    assert third.result_hosts == ["ketqua.bacninh.gov.vn"]


def test_the_profile_texts_are_trimmed_and_a_blank_is_not_given(tenant_a):
    with as_tenant(tenant_a):
        save_setting("contact_phone", " 0222 3822 123 ")
        save_setting("address", "   ")
        save_setting("agencies", [{"name": " Sở Y tế ", "level": "tinh", "one_stop_centre": True}])
        settings = province_settings()
    assert (settings.contact_phone, settings.address) == ("0222 3822 123", None)
    assert settings.agencies == [{"name": "Sở Y tế", "level": "tinh"}]


def test_settings_saved_together_store_all_or_none_and_name_those_that_changed(tenant_a):
    with as_tenant(tenant_a):
        save_setting("address", "Số 1 Lý Thái Tổ")
        with pytest.raises(FieldError) as refused:
            save_settings({"display_name": "Trung tâm PVHCC", "contact_email": "not an address"})
        assert refused.value.field == "contact_email"
        assert province_settings().display_name is None  # the valid one was not stored either
        changed = save_settings({"address": "Số 1 Lý Thái Tổ", "display_name": "Trung tâm PVHCC",
                                 "contact_email": "pvhcc@bacninh.gov.vn"})
        settings = province_settings()
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "profile_updated")).all()
    assert changed == ["display_name", "contact_email"]
    assert (settings.display_name, settings.contact_email) == ("Trung tâm PVHCC", "pvhcc@bacninh.gov.vn")
    assert len(events) == 1  # save_setting's own; the form that saves several records its event itself


@dataclasses.dataclass(frozen=True)
class WithASecret(ProvinceSettings):
    gateway_password: str | None = setting(lambda: None, lambda value: value or None, audit_action="setting_changed",
                                           secret=True)


def test_a_secret_setting_is_stored_encrypted_and_its_value_never_audited(monkeypatch, tenant_a):
    monkeypatch.setattr(service, "ProvinceSettings", WithASecret)
    monkeypatch.setattr(service, "SETTINGS", {item.name: item.metadata["setting"]
                                              for item in dataclasses.fields(WithASecret)})
    with as_tenant(tenant_a):
        save_setting("gateway_password", "s3cret-value")
        assert province_settings().gateway_password == "s3cret-value"
        stored = db.session.execute(select(ProvinceSetting.value,
                                           type_coerce(ProvinceSetting.secret_value, Text).label("raw"))).one()
        audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "setting_changed"))
    assert stored.value is None and stored.raw.count(":") == 1 and "s3cret" not in stored.raw  # fingerprint:token
    assert json.dumps(audit.details) == '{"changed": true}'

