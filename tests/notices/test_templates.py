"""The template service: versions, history, restore, pinning, audit, preview, and one tenant's templates only."""

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.catalogue.models import Procedure
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.notices import templates
from platform_core.notices.kinds import MESSAGE_KINDS
from platform_core.notices.rendering import SAMPLE_CONTEXT, fields_of, render_text
from platform_core.notices.templates import TemplateInvalid
from platform_core.zalo.models import ZaloConnection
from tests import factories
from tests.conftest import CANARY, as_tenant


@pytest.fixture
def in_tenant_a(tenant_a):
    with as_tenant(tenant_a) as ref:
        yield ref


@pytest.fixture
def editor(tenant_a):
    return factories.create_user("bientap@bacninh.gov.vn", tenant=tenant_a, role="admin")


def audit_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_every_kind_starts_at_version_1_from_the_shipped_files(in_tenant_a):
    for kind in MESSAGE_KINDS:
        template = templates.current_template(kind)
        assert (template.version, template.is_current) == (1, True)
        assert fields_of(template) == templates.shipped_fields(kind)
    assert templates.current_template("received").id == templates.current_template("received").id


def test_save_adds_a_version_makes_it_current_and_keeps_history(in_tenant_a, editor):
    first = templates.current_template("received")
    saved = templates.save_template("received", {"text": "Đã nhận hồ sơ {{ ma_ho_so }}."}, actor=editor)
    assert (saved.version, saved.is_current, saved.created_by_id) == (2, True, editor.id)
    assert templates.current_template("received").id == saved.id
    assert [t.version for t in templates.history("received")] == [2, 1]
    assert first.is_current is False and first.text != saved.text
    assert saved.card_header == first.card_header  # fields left out keep the current values


def test_a_save_is_audited_with_its_version(in_tenant_a, editor):
    templates.save_template("received", {"status_colour": "green"}, actor=editor)
    [event] = audit_events("template_saved")
    assert event.details == {"event_kind": "received", "version": 2}
    assert event.actor_id == editor.id


def test_unknown_field_is_refused_on_save_naming_it_and_nothing_is_written(in_tenant_a, editor):
    templates.current_template("received")
    with pytest.raises(TemplateInvalid) as refused:
        templates.save_template("received", {"text": "CMND {{ so_cmnd }}"}, actor=editor)
    assert refused.value.errors == {"text": ["unknown field “so_cmnd”"]}
    assert isinstance(refused.value, FieldError) and refused.value.field == "text"
    assert [t.version for t in templates.history("received")] == [1]
    assert audit_events("template_saved") == []


def test_syntax_error_is_refused_on_save(in_tenant_a):
    with pytest.raises(TemplateInvalid) as refused:
        templates.save_template("apology", {"card_text": "{% if ly_do %}Lý do: {{ ly_do }}"})
    assert refused.value.errors["card_text"][0].startswith("syntax error")


def test_restore_adds_a_new_version_copying_the_old_one(in_tenant_a, editor):
    original = fields_of(templates.current_template("refused"))
    templates.save_template("refused", {"text": "Hồ sơ {{ ma_ho_so }} không được tiếp nhận."}, actor=editor)
    restored = templates.restore("refused", 1, actor=editor)
    assert restored.version == 3 and restored.is_current
    assert fields_of(restored) == original
    assert [t.version for t in templates.history("refused")] == [3, 2, 1]
    assert audit_events("template_saved")[-1].details == {"event_kind": "refused", "version": 3, "restored_from": 1}


def test_a_pinned_version_renders_the_same_words_after_an_edit(in_tenant_a):
    pinned = templates.current_template("received")
    before = render_text(pinned, SAMPLE_CONTEXT)
    templates.save_template("received", {"text": "Văn bản mới cho {{ ma_ho_so }}."})
    assert render_text(templates.template_version("received", pinned.version), SAMPLE_CONTEXT) == before
    assert render_text(templates.current_template("received"), SAMPLE_CONTEXT).startswith("Văn bản mới")


def test_unknown_versions_and_kinds_are_field_errors(in_tenant_a):
    with pytest.raises(FieldError, match="no version 7"):
        templates.restore("received", 7)
    with pytest.raises(FieldError) as unknown:
        templates.current_template("financial_obligation")
    assert unknown.value.field == "event_kind"


def test_another_tenants_templates_are_never_visible(tenant_a, tenant_b):
    with as_tenant(tenant_b):
        templates.save_template("received", {"text": f"Hồ sơ {{{{ ma_ho_so }}}} {CANARY}"})
        templates.save_template("received", {"card_header": f"Tiếp nhận {CANARY}"})
    with as_tenant(tenant_a):
        current = templates.current_template("received")
        every_version = templates.history("received")
        assert current.version == 1 and len(every_version) == 1
        assert all(CANARY not in str(fields_of(t)) for t in every_version)
        with pytest.raises(FieldError):
            templates.template_version("received", 3)
    with as_tenant(tenant_b):
        assert [t.version for t in templates.history("received")] == [3, 2, 1]


def test_preview_renders_the_sample_dossier_in_the_tenants_province(in_tenant_a):
    shown = templates.preview("received")
    assert SAMPLE_CONTEXT["ma_ho_so"] in shown["text"] and "Bắc Ninh" in shown["text"]
    assert shown["card"]["payload"]["buttons"][0]["payload"] == f"tra cứu {SAMPLE_CONTEXT['ma_ho_so']}"
    assert shown["zns"]["template_id"] == "231001"  # tenants/bac-ninh/messages.vi.yaml (the demo's ZNS template)


def test_preview_of_an_unsaved_edit_writes_nothing_and_checks_it(in_tenant_a):
    shown = templates.preview("received", fields={"text": "Thử {{ nguoi_nop }}", "zns_template_id": "231001"},
                              context={"nguoi_nop": "Lê Văn An"})
    assert shown["text"] == "Thử Lê Văn An"
    assert shown["zns"]["template_id"] == "231001"
    assert shown["zns"]["template_data"]["customer_name"] == "Lê Văn An"
    assert [t.version for t in templates.history("received")] == [1]
    with pytest.raises(TemplateInvalid):
        templates.preview("received", fields={"text": "{{ so_cmnd }}"})


def test_a_preview_shows_the_provinces_own_procedure_agency_and_oa_not_bac_ninhs(tenant_b):
    """Tenant B (Đà Nẵng) has 1.004222 with its own agency: nothing of Bắc Ninh's sample values remains."""
    with as_tenant(tenant_b):
        shown = templates.preview("received", fields={"text": "{{ ten_thu_tuc }}|{{ co_quan }}|{{ ten_oa }}|"
                                                              "{{ ten_tinh }}", "zns_template_id": "231001"})
        # Without a connected OA, the OA's name is the place's, as in real messages (notices/context.py).
        assert shown["text"] == f"Đăng ký thường trú {CANARY}|Công an {CANARY}|{tenant_b.place_name}|Đà Nẵng"
        db.session.add(ZaloConnection(status="connected", oa_id="42", oa_name="Trung tâm PVHCC Đà Nẵng"))
        db.session.flush()
        assert templates.sample_context()["ten_oa"] == "Trung tâm PVHCC Đà Nẵng"


def test_a_preview_without_that_procedure_takes_another_of_the_provinces_own(tenant_a):
    with as_tenant(tenant_a):
        sample = templates.sample_context()
        assert (sample["ma_thu_tuc"], sample["co_quan"]) == ("1.004222", "Công an xã Bắc Ninh")
        for procedure in db.session.scalars(select(Procedure)):
            db.session.delete(procedure)
        factories.create_procedure("2.000001", "Chứng thực chữ ký", agency="UBND phường Đông Ngàn")
        sample = templates.sample_context()
        assert (sample["ten_thu_tuc"], sample["co_quan"]) == ("Chứng thực chữ ký", "UBND phường Đông Ngàn")
        assert "Kinh Bắc" not in str(sample)
