"""The test stack's stop: a process that ignores SIGTERM is killed after STOP_SECONDS, and the warning carries its
threads' stacks (jobs/stack_dumps.py), so that a hang at shutdown says where it hung."""

import os
import signal
import subprocess
import sys
import time

import pytest

from platform_core.config import REPO_ROOT
from tests.pipeline import stack as stack_module
from tests.pipeline.stack import Stack

STUCK = """
import signal, sys, time
from platform_core.jobs.stack_dumps import dump_stacks_on_sigusr1

def stuck_in_shutdown():
    while True:
        time.sleep(0.05)

dump_stacks_on_sigusr1()
signal.signal(signal.SIGTERM, lambda *_: None)
print("ready", flush=True)
stuck_in_shutdown()
"""


def test_a_process_that_ignores_sigterm_is_killed_with_its_stacks_in_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(stack_module, "STOP_SECONDS", 1)
    log = tmp_path / "pump-0.log"
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-u", "-c", STUCK], cwd=REPO_ROOT, stdout=output,  # noqa: S603
                                   stderr=output, start_new_session=True)
    stack = Stack(app=None, url="", env=dict(os.environ), processes={"pump": [process]}, logs={process.pid: log})
    try:
        wait_for_text(log, "ready", timeout=10)  # its handlers are set: SIGTERM will not stop it
        with pytest.warns(UserWarning, match="pump .* did not stop within 1 s") as warned:
            stack.kill("pump", sig=signal.SIGTERM)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    assert "stuck_in_shutdown" in str(warned[0].message)


def wait_for_text(path, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text():
        assert time.monotonic() < deadline, f"{path.name} never said {text!r}"
        time.sleep(0.02)
