"""Recording events: the state machine, the clock, the apology, ordering, notifications, Idempotency-Key."""

import pytest

from platform_core.dossiers import service
from platform_core.dossiers.errors import Conflict, DossierNotFound, TransitionRefused
from platform_core.errors import FieldError
from tests import factories
from tests.conftest import as_tenant
from tests.dossiers.support import CODE, at, notifications, record, row_counts

DAY = 86400


@pytest.fixture
def dossier(in_a):
    """Received 15/07 08:30, due 24/07 17:00 (UTC+7), receipt notified."""
    return factories.create_dossier(CODE)


def kinds(code=CODE) -> list[str]:
    return [notification.event_kind for notification in notifications(code)]


def test_a_status_change_takes_the_next_seq_and_its_from_and_to(dossier):
    event, created = record(CODE, "processing", "2026-07-15T09:00:00+07:00", note="sent to the land office")
    assert created
    assert (event.seq, event.kind, event.from_status, event.to_status, event.note) == (
        2, "processing", 2, 4, "sent to the land office")
    assert dossier.status == 4
    assert [e.seq for e in dossier.events] == [1, 2]


def test_processing_tells_the_citizen_nothing(dossier):
    record(CODE, 4, "2026-07-15T09:00:00+07:00")
    assert kinds() == ["received"]


def test_a_supplement_request_is_notified_once_with_its_documents_and_pauses_the_clock(dossier):
    record(CODE, "processing", "2026-07-15T09:00:00+07:00")
    event, _ = record(CODE, "supplement_required", "2026-07-16T09:00:00+07:00",
                      missing_documents=["Bản sao CCCD", "Giấy xác nhận cư trú"])
    assert event.missing_documents == ["Bản sao CCCD", "Giấy xác nhận cư trú"]
    assert kinds() == ["received", "supplement_required"]
    assert notifications()[-1].context["giay_to_can_bo_sung"] == ["Bản sao CCCD", "Giấy xác nhận cư trú"]
    assert dossier.supplement_started_at == at("2026-07-16T09:00:00+07:00")

    record(CODE, "processing", "2026-07-18T10:00:00+07:00", note="documents received")
    assert dossier.supplement_started_at is None
    assert dossier.supplement_paused_seconds == 2 * DAY + 3600


def test_result_ready_and_returned_are_notified_and_timed(dossier):
    record(CODE, "processing", "2026-07-15T09:00:00+07:00")
    record(CODE, "result_ready", "2026-07-20T15:00:00+07:00")
    record(CODE, "returned", "2026-07-21T09:00:00+07:00")
    assert dossier.completed_at == at("2026-07-20T15:00:00+07:00")
    assert dossier.returned_at == at("2026-07-21T09:00:00+07:00")
    assert kinds() == ["received", "result_ready", "returned", "rating_invitation"]  # ratings/invitations.py


@pytest.mark.parametrize(("path", "status"), [(["processing"], "stopped"), ([], "refused")])
def test_a_refusal_or_a_stop_needs_its_reason(in_a, path, status):
    factories.create_dossier(CODE, status="submitted" if status == "refused" else "received")
    for step in path:
        record(CODE, step, "2026-07-15T09:00:00+07:00")
    before = row_counts(in_a)
    with pytest.raises(FieldError, match="required when the status is"):
        record(CODE, status, "2026-07-16T09:00:00+07:00")
    assert row_counts(in_a) == before
    record(CODE, status, "2026-07-16T09:00:00+07:00", reason="Không thuộc thẩm quyền")
    assert notifications()[-1].context["ly_do"] == "Không thuộc thẩm quyền"


def test_an_impossible_move_is_refused_and_writes_nothing(dossier, in_a):
    before = row_counts(in_a)
    with pytest.raises(TransitionRefused) as refused:
        record(CODE, "returned", "2026-07-16T09:00:00+07:00")
    assert refused.value.allowed == ["processing", "supplement_required", "withdrawal_requested", "result_ready"]
    assert row_counts(in_a) == before
    assert dossier.status == 2


def test_an_apology_moves_the_appointment_without_changing_the_status(dossier):
    record(CODE, "processing", "2026-07-15T09:00:00+07:00")
    event, _ = record(CODE, "apology", "2026-07-23T09:00:00+07:00", new_due_at="2026-07-31T17:00:00+07:00",
                      reason="Chờ ý kiến của cơ quan liên quan")
    assert (event.kind, event.from_status, event.to_status) == ("apology", 4, None)
    assert dossier.status == 4
    assert dossier.revised_due_at == at("2026-07-31T17:00:00+07:00")
    assert kinds() == ["received", "apology"]
    assert notifications()[-1].context["ngay_hen_moi"] == "31/07/2026"


@pytest.mark.parametrize("new_due_at", ["2026-07-24T17:00:00+07:00", "2026-07-20T17:00:00+07:00"])
def test_an_apology_must_push_the_appointment_later(dossier, new_due_at):
    with pytest.raises(FieldError) as error:
        record(CODE, "apology", "2026-07-23T09:00:00+07:00", new_due_at=new_due_at, reason="late")
    assert error.value.field == "new_due_at"


def test_a_second_apology_must_beat_the_first(dossier):
    record(CODE, "apology", "2026-07-23T09:00:00+07:00", new_due_at="2026-07-31T17:00:00+07:00", reason="late")
    with pytest.raises(FieldError, match="later than the current appointment"):
        record(CODE, "apology", "2026-07-30T09:00:00+07:00", new_due_at="2026-07-28T17:00:00+07:00", reason="late")


def test_no_apology_once_the_result_is_ready(dossier):
    record(CODE, "result_ready", "2026-07-20T15:00:00+07:00")
    with pytest.raises(TransitionRefused, match="apology"):
        record(CODE, "apology", "2026-07-21T09:00:00+07:00", new_due_at="2026-07-31T17:00:00+07:00", reason="x")


def test_an_event_cannot_be_dated_before_the_previous_one(dossier):
    with pytest.raises(FieldError) as error:
        record(CODE, "processing", "2026-07-15T08:29:59+07:00")
    assert error.value.field == "occurred_at"
    record(CODE, "processing", "2026-07-15T01:30:00Z")  # the same instant as the receipt is fine


def test_a_test_key_marks_the_notification_simulated(dossier):
    record(CODE, "supplement_required", "2026-07-16T09:00:00+07:00", missing_documents=["CCCD"], simulated=True)
    assert [n.simulated for n in notifications()] == [False, True]
    assert notifications()[-1].deliveries[0].simulated


def test_an_unknown_code_is_not_found(in_a):
    with pytest.raises(DossierNotFound):
        record("H15-000000-0000", "processing", "2026-07-15T09:00:00+07:00")


def test_another_provinces_dossier_is_not_found(tenant_a, tenant_b):
    with as_tenant(tenant_b):
        factories.create_dossier("DNG-260715-0001")
    with as_tenant(tenant_a), pytest.raises(DossierNotFound):
        record("DNG-260715-0001", "processing", "2026-07-15T09:00:00+07:00")


# --- Idempotency-Key ----------------------------------------------------------------------------------------

SUPPLEMENT = {"status": "supplement_required", "occurred_at": "2026-07-16T09:00:00+07:00",
              "missing_documents": ["CCCD"]}


def test_the_same_key_and_body_return_the_first_event(dossier, in_a):
    first, created = record(CODE, key="k-1", **SUPPLEMENT)
    again, created_again = record(CODE, key="k-1", **SUPPLEMENT)
    assert created and not created_again and again.id == first.id
    assert row_counts(in_a) == {"Dossier": 1, "DossierEvent": 2, "Notification": 2, "Delivery": 2}


def test_a_repeat_is_answered_even_when_the_move_would_no_longer_be_allowed(dossier):
    record(CODE, "result_ready", "2026-07-20T15:00:00+07:00", key="k-ready")
    record(CODE, "returned", "2026-07-21T09:00:00+07:00")
    again, created = record(CODE, "result_ready", "2026-07-20T15:00:00+07:00", key="k-ready")
    assert not created and again.seq == 2


def test_the_same_key_with_another_body_is_a_conflict(dossier, in_a):
    record(CODE, key="k-1", **SUPPLEMENT)
    before = row_counts(in_a)
    with pytest.raises(Conflict) as conflict:
        record(CODE, key="k-1", **(SUPPLEMENT | {"missing_documents": ["CCCD", "Sổ hộ khẩu"]}))
    assert conflict.value.errors == {"Idempotency-Key": ["already used for a different event"]}
    assert row_counts(in_a) == before


def test_the_same_key_on_another_dossier_is_a_conflict(dossier):
    factories.create_dossier("H15.50.05.13-260715-0002")
    record(CODE, key="k-1", **SUPPLEMENT)
    with pytest.raises(Conflict):
        record("H15.50.05.13-260715-0002", key="k-1", **SUPPLEMENT)


def test_without_a_key_nothing_is_deduplicated(dossier, in_a):
    record(CODE, **SUPPLEMENT)
    record(CODE, **SUPPLEMENT)
    assert [e.kind for e in dossier.events] == ["received", "supplement_required", "supplement_required"]
    assert kinds() == ["received", "supplement_required", "supplement_required"]


def test_keys_are_per_province(tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        with as_tenant(tenant):
            factories.create_dossier(CODE)
            _, created = record(CODE, key="k-1", **SUPPLEMENT)
            assert created


def test_a_concurrent_use_of_the_same_key_is_answered_as_a_repeat(dossier, in_a, monkeypatch):
    """Both requests miss the key; the unique constraint keeps one event, the other request replays it."""
    first, _ = record(CODE, key="k-1", **SUPPLEMENT)
    original = service._event_by_key
    calls = []

    def miss_once(key):
        calls.append(key)
        return None if len(calls) == 1 else original(key)

    monkeypatch.setattr(service, "_event_by_key", miss_once)
    again, created = record(CODE, key="k-1", **SUPPLEMENT)
    assert again.id == first.id and not created
    assert row_counts(in_a) == {"Dossier": 1, "DossierEvent": 2, "Notification": 2, "Delivery": 2}
