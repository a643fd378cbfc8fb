"""`kill -USR1` makes a background process print where each of its threads is, and it goes on running."""

import os
import select
import signal
import subprocess
import sys
import time

from platform_core.config import REPO_ROOT

PROGRAM = """
import sys, threading
from platform_core.jobs.stack_dumps import dump_stacks_on_sigusr1

def wait_in_a_thread(event):
    event.wait()

dump_stacks_on_sigusr1()
event = threading.Event()
threading.Thread(target=wait_in_a_thread, args=(event,), name="helper").start()
print("ready", flush=True)
sys.stdin.readline()
event.set()
print("still running", flush=True)
"""


def test_sigusr1_prints_every_threads_stack_and_the_process_goes_on():
    process = subprocess.Popen([sys.executable, "-c", PROGRAM], cwd=REPO_ROOT, stdin=subprocess.PIPE,  # noqa: S603
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "ready\n"
        process.send_signal(signal.SIGUSR1)
        dump = read_until(process.stderr, ("wait_in_a_thread", "Current thread"), timeout=10)
        assert process.poll() is None
        out, _ = process.communicate("go on\n", timeout=10)
    finally:
        process.kill()
    assert "File" in dump and "wait_in_a_thread" in dump  # the helper thread's stack, as well as the main one's
    assert out == "still running\n"


def read_until(stream, needles: tuple[str, ...], timeout: float) -> str:
    """What `stream` says until every needle has appeared (the dump is written line by line)."""
    text, deadline = "", time.monotonic() + timeout
    while not all(needle in text for needle in needles):
        left = deadline - time.monotonic()
        assert left > 0, f"no stack dump within {timeout} s: {text!r}"
        if select.select([stream], [], [], left)[0]:
            text += os.read(stream.fileno(), 65536).decode(errors="replace")  # unbuffered: select sees the fd
    return text
