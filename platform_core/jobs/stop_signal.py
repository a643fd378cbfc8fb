"""Stopping a loop process (`flask delivery pump`, `flask scheduler`) on SIGTERM or SIGINT.

Python runs a signal handler in the main thread between two bytecodes, which can be inside
`threading.Event.wait` while that thread holds the lock of the event's condition. A handler that calls
`Event.set()` then waits for that same lock forever, and the process never stops: a pump was found so, its
stack (tests/pipeline/stack.py asks for it) showing `set` called from the handler inside `wait`'s
`_acquire_restore`. The handler here only sets a flag, which takes no lock; the loop sleeps in short slices and
reads the flag between them.
"""

import signal
from time import monotonic, sleep

SLICE_SECONDS = 0.05  # the longest a stop waits for a sleeping loop to notice it


class StopSignal:
    """What the loops take as `stop`: `is_set()`, `wait(seconds)` and `set()`, as on a threading.Event."""

    def __init__(self):
        self._stopped = False

    def install(self, signums=(signal.SIGINT, signal.SIGTERM)) -> "StopSignal":
        for signum in signums:
            signal.signal(signum, self._on_signal)
        return self

    def _on_signal(self, signum, frame) -> None:
        self._stopped = True

    def set(self) -> None:
        self._stopped = True

    def is_set(self) -> bool:
        return self._stopped

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, less once stopped; True when stopped."""
        deadline = monotonic() + seconds
        while not self._stopped and (left := deadline - monotonic()) > 0:
            sleep(min(left, SLICE_SECONDS))
        return self._stopped
