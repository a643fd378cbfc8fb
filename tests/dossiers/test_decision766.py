"""Decision 766's rule for a reporting period (docs/domain.md §3): which dossiers count, and which are late."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from platform_core.dossiers.constants import (
    EVENT_APOLOGY,
    PROCESSING,
    RECEIVED,
    REFUSED,
    RESULT_READY,
    RETURNED,
    STOPPED,
    SUBMITTED,
    SUPPLEMENT_REQUIRED,
    WITHDRAWAL_REQUESTED,
)
from platform_core.dossiers.decision766 import DossierHistory, Handling, handling

DAY = timedelta(days=1)
JULY = (datetime(2026, 7, 1, tzinfo=UTC), datetime(2026, 8, 1, tzinfo=UTC))
RECEIVED_AT = datetime(2026, 7, 6, 2, 0, tzinfo=UTC)
DUE = datetime(2026, 7, 15, 10, 0, tzinfo=UTC)
ON_TIME, LATE = Handling(finished=True, late=False), Handling(finished=True, late=True)


def july(*steps, received=RECEIVED_AT, first=RECEIVED, due=DUE) -> Handling | None:
    """How July counts a dossier received at `received` (status `first`) then moved by `steps`: (status or
    EVENT_APOLOGY, when[, new appointment])."""
    events = [SimpleNamespace(kind="created", to_status=first, occurred_at=received, new_due_at=None)]
    for status, when, *new_due in steps:
        kind = EVENT_APOLOGY if status == EVENT_APOLOGY else "status"
        events.append(SimpleNamespace(kind=kind, to_status=None if kind == EVENT_APOLOGY else status,
                                      occurred_at=when, new_due_at=new_due[0] if new_due else None))
    history = DossierHistory(id=1, tenant_id=1, code_key="x", agency=None, received_at=received, due_at=due,
                             events=tuple(events))
    return handling(history, *JULY)


def test_a_result_before_the_appointment_is_on_time_and_after_it_late():
    assert july((PROCESSING, DUE - 3 * DAY), (RESULT_READY, DUE - DAY)) == ON_TIME
    assert july((PROCESSING, DUE - 3 * DAY), (RESULT_READY, DUE + DAY)) == LATE


def test_the_result_signed_counts_not_the_hand_over():
    assert july((RESULT_READY, DUE - DAY), (RETURNED, DUE + 5 * DAY)) == ON_TIME


@pytest.mark.parametrize("end_state", [STOPPED, RESULT_READY])
def test_refusal_stop_and_result_are_end_states_that_can_be_late(end_state):
    assert july((PROCESSING, DUE - DAY), (end_state, DUE + DAY)) == LATE
    assert july((PROCESSING, DUE - 2 * DAY), (end_state, DUE - DAY)) == ON_TIME


def test_a_refusal_after_the_appointment_is_late():
    assert july((REFUSED, DUE + DAY), first=SUBMITTED) == LATE
    assert july((REFUSED, DUE - DAY), first=SUBMITTED) == ON_TIME


def test_a_withdrawal_after_acceptance_ends_processing_and_can_be_late():
    assert july((PROCESSING, DUE - 5 * DAY), (WITHDRAWAL_REQUESTED, DUE - DAY), (STOPPED, DUE + DAY)) == LATE


def test_a_withdrawal_before_acceptance_and_a_dossier_never_accepted_do_not_count():
    assert july((WITHDRAWAL_REQUESTED, DUE - DAY), (STOPPED, DUE + DAY), first=SUBMITTED) is None
    assert july(first=SUBMITTED) is None
    assert july((RECEIVED, DUE + DAY), (RESULT_READY, DUE + 2 * DAY), first=SUBMITTED) == LATE


def test_the_wait_for_documents_is_not_counted():
    waited = [(SUPPLEMENT_REQUIRED, DUE - 4 * DAY), (PROCESSING, DUE)]  # four days waiting
    assert july((PROCESSING, DUE - 5 * DAY), *waited, (RESULT_READY, DUE + 3 * DAY)) == ON_TIME
    assert july((PROCESSING, DUE - 5 * DAY), *waited, (RESULT_READY, DUE + 5 * DAY)) == LATE


def test_more_than_one_supplement_request_is_late_even_before_the_appointment():
    twice = [(SUPPLEMENT_REQUIRED, DUE - 6 * DAY), (PROCESSING, DUE - 5 * DAY), (SUPPLEMENT_REQUIRED, DUE - 4 * DAY),
             (PROCESSING, DUE - 3 * DAY)]
    assert july((PROCESSING, DUE - 7 * DAY), *twice, (RESULT_READY, DUE - 2 * DAY)) == LATE
    repeated_while_waiting = [(SUPPLEMENT_REQUIRED, DUE - 6 * DAY), (SUPPLEMENT_REQUIRED, DUE - 5 * DAY)]
    assert july(*repeated_while_waiting, (PROCESSING, DUE - 4 * DAY), (RESULT_READY, DUE - 3 * DAY)) == LATE
    once = [(SUPPLEMENT_REQUIRED, DUE - 6 * DAY), (PROCESSING, DUE - 5 * DAY)]
    assert july(*once, (RESULT_READY, DUE - 2 * DAY)) == ON_TIME


def test_a_dossier_unfinished_at_the_period_end_is_judged_at_that_end():
    assert july((PROCESSING, DUE - DAY)) == Handling(finished=False, late=True)  # due 15/07, July ends 31/07
    assert july((PROCESSING, DUE - DAY), due=datetime(2026, 8, 20, tzinfo=UTC)) == Handling(finished=False,
                                                                                           late=False)
    # Finished in August: for July it was still unfinished.
    assert july((RESULT_READY, datetime(2026, 8, 3, tzinfo=UTC))) == Handling(finished=False, late=True)


def test_a_dossier_still_waiting_for_documents_is_judged_when_they_were_asked_for():
    assert july((SUPPLEMENT_REQUIRED, DUE - DAY)) == Handling(finished=False, late=False)
    assert july((SUPPLEMENT_REQUIRED, DUE + DAY)) == Handling(finished=False, late=True)


def test_received_before_the_period_and_processed_in_it_counts_but_ended_before_it_does_not():
    june = datetime(2026, 6, 20, tzinfo=UTC)
    assert july((RESULT_READY, datetime(2026, 7, 2, tzinfo=UTC)), received=june, due=DUE) == ON_TIME
    assert july((RESULT_READY, datetime(2026, 6, 25, tzinfo=UTC)), received=june, due=DUE) is None
    assert july(received=datetime(2026, 8, 1, tzinfo=UTC)) is None


def test_an_apology_moves_the_appointment_it_is_judged_against():
    apology = (EVENT_APOLOGY, DUE - DAY, DUE + 3 * DAY)
    assert july((PROCESSING, DUE - 2 * DAY), apology, (RESULT_READY, DUE + 2 * DAY)) == ON_TIME
    assert july((PROCESSING, DUE - 2 * DAY), apology, (RESULT_READY, DUE + 4 * DAY)) == LATE
