"""Overdue is derived: the appointment (revised if any) passed, net of the time spent waiting for the citizen."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platform_core.dossiers import clock
from platform_core.dossiers.constants import PROCESSING, REFUSED, RESULT_READY, STOPPED, SUPPLEMENT_REQUIRED

DUE = datetime(2026, 7, 24, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def dossier(status=PROCESSING, **fields):
    values = dict(status=status, due_at=DUE, revised_due_at=None, completed_at=None, supplement_started_at=None,
                  supplement_paused_seconds=0)
    return SimpleNamespace(**(values | fields))


def test_not_overdue_until_the_appointment_passes():
    assert not clock.overdue(dossier(), DUE)
    assert clock.overdue(dossier(), DUE + timedelta(seconds=1))


def test_an_apology_moves_the_appointment():
    revised = dossier(revised_due_at=DUE + 3 * DAY)
    assert clock.appointment(revised) == DUE + 3 * DAY
    assert not clock.overdue(revised, DUE + 2 * DAY)
    assert clock.overdue(revised, DUE + 4 * DAY)


def test_finished_supplement_waits_do_not_count():
    waited_three_days = dossier(supplement_paused_seconds=int((3 * DAY).total_seconds()))
    assert not clock.overdue(waited_three_days, DUE + 2 * DAY)
    assert clock.overdue(waited_three_days, DUE + 3 * DAY + timedelta(seconds=1))


def test_a_wait_in_progress_does_not_count_either():
    waiting = dossier(SUPPLEMENT_REQUIRED, supplement_started_at=DUE - DAY, supplement_paused_seconds=3600)
    assert clock.paused_seconds(waiting, DUE + 5 * DAY) == int((6 * DAY).total_seconds()) + 3600
    assert not clock.overdue(waiting, DUE + 5 * DAY)


def test_a_completed_dossier_is_judged_on_its_completion_not_on_now():
    on_time = dossier(RESULT_READY, completed_at=DUE - DAY)
    late = dossier(RESULT_READY, completed_at=DUE + DAY)
    assert not clock.overdue(on_time, DUE + 30 * DAY)
    assert clock.overdue(late, DUE + 30 * DAY)


@pytest.mark.parametrize("status", [REFUSED, STOPPED])
def test_refused_or_stopped_dossiers_owe_nothing_so_are_never_late(status):
    assert not clock.overdue(dossier(status), DUE + 30 * DAY)


def test_now_defaults_to_the_current_time():
    assert clock.overdue(dossier(due_at=datetime(2000, 1, 1, tzinfo=UTC)))


seconds = st.integers(min_value=0, max_value=60 * 86400)


@given(after_due=st.integers(min_value=-30 * 86400, max_value=30 * 86400), banked=seconds, ongoing=seconds)
def test_waiting_for_the_citizen_never_makes_a_dossier_late(after_due, banked, ongoing):
    now = DUE + timedelta(seconds=after_due)
    paused = dossier(supplement_paused_seconds=banked, supplement_started_at=now - timedelta(seconds=ongoing))
    if clock.overdue(paused, now):
        assert clock.overdue(dossier(), now)
    assert clock.overdue(paused, now) == (after_due - banked - ongoing > 0)
