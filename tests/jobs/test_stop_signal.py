"""The pump's and the scheduler's stop (jobs/stop_signal.py): SIGTERM ends a wait promptly, and the handler takes
no lock, so that it cannot wait forever for one its own thread holds (a pump hung so on threading.Event)."""

import os
import signal
import threading
import time

import pytest

from platform_core.jobs import stop_signal
from platform_core.jobs.stop_signal import StopSignal


@pytest.fixture
def restored_handlers():
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def test_sigterm_during_a_wait_ends_it_within_a_slice(restored_handlers):
    stop = StopSignal().install()
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
    started = time.monotonic()
    assert stop.wait(10) is True
    assert time.monotonic() - started < 2
    assert stop.is_set()


def test_a_signal_that_lands_inside_the_wait_stops_it(restored_handlers, monkeypatch):
    """What hung the pump, replayed deterministically: the handler runs in the waiting thread, in the middle of
    `wait` (threading.Event's `set` then blocked on the lock its own `wait` held). Here it sets the flag and
    returns, and the wait ends at its next look."""
    stop = StopSignal().install()
    sleeps = []

    def sleep_and_be_signalled(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 1:
            os.kill(os.getpid(), signal.SIGINT)  # the handler runs here, in this thread, before kill returns

    monkeypatch.setattr(stop_signal, "sleep", sleep_and_be_signalled)  # this module's sleep only
    assert stop.wait(10) is True
    assert len(sleeps) == 1


def test_a_wait_without_a_signal_lasts_its_time():
    stop = StopSignal()
    started = time.monotonic()
    assert stop.wait(0.12) is False
    assert time.monotonic() - started >= 0.12
