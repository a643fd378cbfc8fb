"""Creating a dossier: catalogue and phone checks, the first event and its notification, idempotency on the code."""

import pytest
from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.dossiers import service
from platform_core.dossiers.errors import Conflict
from platform_core.dossiers.schemas import DossierInput
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.zalo.constants import STATUS_CONNECTED
from platform_core.zalo.models import ZaloConnection
from tests import factories
from tests.conftest import as_tenant
from tests.dossiers.support import CODE, DUE_AT, RECEIVED_AT, at, notifications, record, row_counts


def create(code=CODE, simulated=False, **fields):
    return service.create_dossier(DossierInput().load(factories.dossier_body(code, **fields)), simulated=simulated)


def test_a_new_dossier_is_received_with_its_first_event(in_a):
    dossier, created = create()
    assert created
    assert (dossier.code, dossier.status, dossier.procedure_code) == (CODE, 2, "1.004222")
    assert dossier.applicant_phone == "+84912345678"
    assert dossier.received_at == at(RECEIVED_AT) and dossier.due_at == at(DUE_AT)
    assert [(e.seq, e.kind, e.from_status, e.to_status) for e in dossier.events] == [(1, "received", None, 2)]
    assert dossier.events[0].occurred_at == at(RECEIVED_AT)


def test_the_receipt_is_notified_once_in_the_same_transaction(in_a):
    dossier, _ = create()
    [notification] = notifications()
    assert notification.event_kind == "received"
    assert notification.dossier_id == dossier.id and not notification.simulated
    assert notification.context["ma_ho_so"] == CODE
    assert notification.context["ngay_hen_tra"] == "24/07/2026"
    [delivery] = notification.deliveries
    assert (delivery.state, delivery.recipient_phone) == ("pending", "+84912345678")


def test_a_test_key_marks_the_notification_simulated(in_a):
    create(simulated=True)
    [notification] = notifications()
    assert notification.simulated and notification.deliveries[0].simulated


def test_the_connected_oa_signs_the_message(in_a):
    db.session.add(ZaloConnection(status=STATUS_CONNECTED, oa_name="Trung tâm PVHCC tỉnh Bắc Ninh"))
    create()
    assert notifications()[0].context["ten_oa"] == "Trung tâm PVHCC tỉnh Bắc Ninh"


def test_without_a_connected_oa_the_province_signs(in_a):
    db.session.add(ZaloConnection(status="reconnect_needed", oa_name="Old OA"))
    create()
    assert notifications()[0].context["ten_oa"] == "tỉnh Bắc Ninh"


def test_a_submitted_dossier_starts_there_and_tells_nobody_yet(in_a):
    dossier, _ = create(status="submitted")
    assert dossier.status == 1 and dossier.events[0].kind == "submitted"
    assert notifications() == []


def test_optional_fields_are_kept(in_a):
    dossier, _ = create(external_id="HS-998877", channel=3,
                        applicant={"name": "Trần Thị Bình", "phone": "+84 987 654 321", "zalo_user_id": "8000001"})
    assert (dossier.external_id, dossier.channel) == ("HS-998877", 3)
    assert (dossier.applicant_phone, dossier.applicant_zalo_user_id) == ("+84987654321", "8000001")
    assert notifications()[0].deliveries[0].recipient_zalo_user_id == "8000001"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"procedure_code": "1.999999"}, "procedure_code", "no procedure 1.999999"),
    ({"procedure_code": "9.999999"}, "procedure_code", "no procedure 9.999999"),  # tenant B's own procedure
    ({"applicant": {"name": "An", "phone": "024 3825 1234"}}, "applicant.phone", "landline"),
    ({"applicant": {"name": "An", "phone": "0912"}}, "applicant.phone", "too short"),
    ({"applicant": {"name": "An", "phone": "+1 202 555 0100"}}, "applicant.phone", "not a Vietnamese"),
    ({"due_at": RECEIVED_AT}, "due_at", "after received_at"),
    ({"due_at": "2026-07-14T08:30:00+07:00"}, "due_at", "after received_at"),
    ({"status": "processing"}, "status", "submitted (1) or received (2)"),
])
def test_refused_creations_name_the_field_and_write_nothing(in_a, fields, field, message):
    before = row_counts(in_a)
    with pytest.raises(FieldError) as error:
        create(**fields)
    assert error.value.field == field and message in error.value.message
    assert row_counts(in_a) == before


def test_a_disabled_procedure_is_refused(in_a):
    db.session.scalar(select(Procedure).where(Procedure.code == "1.001193")).enabled = False
    with pytest.raises(FieldError, match="disabled"):
        create(procedure_code="1.001193")


def test_the_same_body_again_is_the_same_dossier(in_a):
    first, _ = create()
    again, created = create()
    assert again.id == first.id and not created
    assert row_counts(in_a) == {"Dossier": 1, "DossierEvent": 1, "Notification": 1, "Delivery": 1}


def test_the_same_content_written_differently_is_the_same_request(in_a):
    first, _ = create()
    again, created = create(
        applicant={"name": " Nguyễn Văn An ", "phone": "+84 912.345.678"},
        received_at="2026-07-15T01:30:00Z", due_at="2026-07-24T10:00:00+00:00",
    )
    assert again.id == first.id and not created


def test_a_different_body_for_the_same_code_is_a_conflict_naming_each_difference(in_a):
    create()
    before = row_counts(in_a)
    with pytest.raises(Conflict) as conflict:
        create(due_at="2026-07-30T17:00:00+07:00", applicant={"name": "Nguyễn Văn An", "phone": "0987654321"})
    assert set(conflict.value.errors) == {"due_at", "applicant.phone"}
    assert row_counts(in_a) == before


def test_a_dossier_moved_on_still_answers_its_creation_body(in_a):
    first, _ = create()
    record(CODE, "processing", "2026-07-15T09:00:00+07:00")
    again, created = create()
    assert again.id == first.id and not created


def test_the_same_code_lives_independently_in_two_provinces(tenant_a, tenant_b):
    with as_tenant(tenant_a):
        a, _ = create()
    with as_tenant(tenant_b):
        b, created = create(due_at="2026-08-01T17:00:00+07:00")
        assert created and b.id != a.id
        assert [n.context["ten_tinh"] for n in notifications()] == ["Đà Nẵng"]
    with as_tenant(tenant_a):
        assert service.get_dossier(CODE).due_at == at(DUE_AT)


def test_a_new_code_is_not_looked_up_first_and_a_repeat_is_found_by_the_unique_constraint(in_a, monkeypatch):
    """A creation inserts at once; a repeat (or a concurrent creation of the same code) meets the unique
    constraint and is answered as the winner's repeat, or refused when it differs, writing nothing."""
    looked_up = []
    find = service.find_dossier
    monkeypatch.setattr(service, "find_dossier", lambda code, for_update=False: looked_up.append(code) or find(code))
    first, created = create()
    assert created and looked_up == []
    again, created = create()
    assert again.id == first.id and not created and looked_up == [CODE]
    with pytest.raises(Conflict):
        create(due_at="2026-07-30T17:00:00+07:00")
    assert row_counts(in_a) == {"Dossier": 1, "DossierEvent": 1, "Notification": 1, "Delivery": 1}


def test_a_repeat_is_answered_as_one_though_it_no_longer_passes_the_checks(in_a):
    """As when the code was looked up before the checks: a repeat of a dossier whose procedure was disabled
    since is the same dossier, and a different body that fails the checks is a conflict, not a 422."""
    first, _ = create()
    db.session.scalar(select(Procedure).where(Procedure.code == "1.004222")).enabled = False
    again, created = create()
    assert again.id == first.id and not created
    with pytest.raises(Conflict) as conflict:
        create(due_at="2026-07-01T17:00:00+07:00")
    assert set(conflict.value.errors) == {"due_at"}
