"""The state machine: statuses as province systems send them, the moves it refuses, what events carry."""

from types import SimpleNamespace

import pytest

from platform_core.dossiers import state
from platform_core.dossiers.constants import (
    EVENT_APOLOGY,
    PROCESSING,
    RECEIVED,
    REFUSED,
    RESULT_READY,
    RETURNED,
    STATUS_NAMES,
    STOPPED,
    SUBMITTED,
    SUPPLEMENT_REQUIRED,
    TRANSITIONS,
)
from platform_core.dossiers.errors import TransitionRefused
from platform_core.errors import FieldError
from tests.dossiers.support import at


@pytest.mark.parametrize(("given", "expected"), [
    (5, 5), ("5", 5), (" 10 ", 10), ("supplement_required", 5), ("Result_Ready", 9), ("returned", 10),
])
def test_status_by_code_or_name(given, expected):
    assert state.parse_status(given) == expected


@pytest.mark.parametrize("given", [0, 11, -1, "0", "11", "ready", "", True, False, 5.0, [5], {"code": 5}, None, "٥"])
def test_anything_else_is_no_status(given):
    assert state.parse_status(given) is None


ALLOWED = [(current, target) for current, targets in TRANSITIONS.items() for target in targets]
REFUSED_MOVES = [(current, target) for current in STATUS_NAMES for target in STATUS_NAMES
                 if target not in TRANSITIONS[current]]


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_every_move_of_the_national_process_is_allowed(current, target):
    state.check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), REFUSED_MOVES)
def test_every_other_move_is_refused_naming_the_allowed_ones(current, target):
    with pytest.raises(TransitionRefused) as refused:
        state.check_transition(current, target)
    assert refused.value.allowed == [STATUS_NAMES[code] for code in sorted(TRANSITIONS[current])]
    assert refused.value.message.startswith(f"cannot go from {STATUS_NAMES[current]} to {STATUS_NAMES[target]}")


def test_refusal_message_lists_what_is_allowed():
    with pytest.raises(TransitionRefused) as refused:
        state.check_transition(RECEIVED, RETURNED)
    assert refused.value.message == (
        "cannot go from received to returned; allowed: processing, supplement_required, withdrawal_requested, "
        "result_ready"
    )


def test_a_final_status_says_so():
    with pytest.raises(TransitionRefused) as refused:
        state.check_transition(RETURNED, PROCESSING)
    assert refused.value.allowed == []
    assert refused.value.message.endswith("allowed: none, it is final")


@pytest.mark.parametrize("current", [SUBMITTED, RECEIVED, PROCESSING, SUPPLEMENT_REQUIRED])
def test_an_apology_is_possible_while_the_result_is_owed(current):
    state.check_transition(current, EVENT_APOLOGY)


@pytest.mark.parametrize("current", [RESULT_READY, RETURNED, REFUSED, STOPPED])
def test_no_apology_once_the_result_is_ready_or_the_dossier_closed(current):
    with pytest.raises(TransitionRefused, match="cannot issue an apology"):
        state.check_transition(current, EVENT_APOLOGY)


@pytest.mark.parametrize(("target", "data", "field"), [
    (SUPPLEMENT_REQUIRED, {}, "missing_documents"),
    (SUPPLEMENT_REQUIRED, {"missing_documents": []}, "missing_documents"),
    (REFUSED, {}, "reason"),
    (STOPPED, {"note": "no reason given"}, "reason"),
    (EVENT_APOLOGY, {"reason": "late"}, "new_due_at"),
    (EVENT_APOLOGY, {"new_due_at": at("2026-08-01T17:00:00+07:00")}, "reason"),
    (PROCESSING, {"missing_documents": ["CCCD"]}, "missing_documents"),
    (RESULT_READY, {"new_due_at": at("2026-08-01T17:00:00+07:00")}, "new_due_at"),
])
def test_each_event_carries_what_its_message_needs_and_nothing_meant_for_another(target, data, field):
    with pytest.raises(FieldError) as error:
        state.check_fields(target, data)
    assert error.value.field == field


def test_note_and_reason_are_welcome_on_any_event():
    state.check_fields(PROCESSING, {"note": "sent to the land office", "reason": "routine"})


def dossier(status, **fields):
    values = dict(status=status, supplement_started_at=None, supplement_paused_seconds=0, completed_at=None,
                  returned_at=None)
    return SimpleNamespace(**(values | fields))


def test_a_supplement_request_pauses_the_clock_and_processing_resumes_it():
    record = dossier(PROCESSING)
    state.apply_status(record, SUPPLEMENT_REQUIRED, at("2026-07-16T08:00:00+07:00"))
    assert record.supplement_started_at == at("2026-07-16T08:00:00+07:00")
    state.apply_status(record, SUPPLEMENT_REQUIRED, at("2026-07-17T08:00:00+07:00"))  # a second request
    assert record.supplement_started_at == at("2026-07-16T08:00:00+07:00")
    state.apply_status(record, PROCESSING, at("2026-07-18T09:00:00+07:00"))
    assert record.supplement_started_at is None
    assert record.supplement_paused_seconds == 2 * 86400 + 3600
    assert record.status == PROCESSING


def test_result_ready_and_returned_set_their_times():
    record = dossier(PROCESSING)
    state.apply_status(record, RESULT_READY, at("2026-07-20T10:00:00+07:00"))
    state.apply_status(record, RETURNED, at("2026-07-21T10:00:00+07:00"))
    assert record.completed_at == at("2026-07-20T10:00:00+07:00")
    assert record.returned_at == at("2026-07-21T10:00:00+07:00")
