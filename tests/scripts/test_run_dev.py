"""`make run` (scripts/run_dev.py) leaves nothing behind: when it is SIGKILLed, the processes it started stop by
themselves and free the web port, although each runs in its own session."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from platform_core.jobs.embedded_redis import free_port, start_server
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.pipeline.stack import FLASK, REPO_ROOT, _children

RUN_DEV = REPO_ROOT / "scripts" / "run_dev.py"


def descendants(pid: int) -> set[int]:
    found, pending = set(), _children(pid)
    while pending:
        child = pending.pop()
        found.add(child)
        pending += _children(child)
    return found


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for whoever adopted it to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def wait_for(condition, timeout: float, what: str, explain=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f}s\n{explain()}"
        time.sleep(0.1)


@contextlib.contextmanager
def running_run_dev(tmp_path):
    """scripts/run_dev.py on free ports with its own Redis (its worker empties queues), database and instance
    folder: (the process, its web port, the file of its console output). Killed, with what it started, at the
    end of the block if it is still running."""
    redis_process, redis_url = start_server(tmp_path / "redis")
    port, sandbox_port = free_port(), free_port()
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}", "REDIS_URL": redis_url, "PORT": str(port),
        "SANDBOX_PORT": str(sandbox_port), "SECRET_KEY": "test-secret-key", "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
        "MOTCUA_INSTANCE_PATH": str(tmp_path / "instance"), "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([FLASK, "--app", "wsgi", "db", "upgrade"], cwd=REPO_ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    log_path = tmp_path / "run_dev.log"
    with open(log_path, "wb") as output:
        run_dev = subprocess.Popen([sys.executable, str(RUN_DEV)], cwd=REPO_ROOT, env=env, stdout=output,
                                   stderr=output, start_new_session=True)
    started: set[int] = set()
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/healthz") or run_dev.poll() is not None, 120,
                 "the web process answering", lambda: log_path.read_text()[-3000:])
        assert run_dev.poll() is None, log_path.read_text()[-3000:]
        started = descendants(run_dev.pid)  # sandbox, gunicorn and its workers, worker, pump, scheduler
        yield run_dev, port, log_path, started
    finally:
        for pid in started | ({run_dev.pid} if run_dev.poll() is None else set()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        redis_process.terminate()
        redis_process.wait(timeout=10)


def test_children_of_a_killed_run_dev_stop_and_free_the_port(tmp_path):
    with running_run_dev(tmp_path) as (run_dev, port, _, started):
        assert len(started) >= 6 and not port_is_free(port)

        os.kill(run_dev.pid, signal.SIGKILL)
        run_dev.wait(timeout=10)
        wait_for(lambda: port_is_free(port) and not any(alive(pid) for pid in started), 20,
                 "children gone and the port free",
                 lambda: f"still running: {sorted(pid for pid in started if alive(pid))}")


def test_the_processes_log_to_files_and_the_banner_stays_the_last_thing_on_screen(tmp_path):
    """Their output would scroll the URL and the logins away: it goes to instance/logs/<name>.log, and one
    line of the banner says where."""
    logs = tmp_path / "instance" / "logs"
    with running_run_dev(tmp_path) as (run_dev, port, log_path, _):
        wait_for(lambda: "Ctrl-C stops everything." in log_path.read_text(), 60, "the banner",
                 lambda: log_path.read_text()[-3000:])
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)  # the web logs a request, not the screen
        wait_for(lambda: "GET /healthz" in (logs / "web.log").read_text(), 10, "the request in web.log")
        screen = log_path.read_text()
        banner = screen[screen.index("Motcua is running"):]
        assert f"logs of sandbox, web, worker, maintenance, pump, scheduler: {logs}/<name>.log" in banner
        assert banner.rstrip().endswith("Ctrl-C stops everything.\n" + "=" * 78)
        assert "GET /healthz" not in screen and "Listening at" not in screen
        assert "Listening at" in (logs / "web.log").read_text()
        assert "/oauth" in (logs / "sandbox.log").read_text()

        run_dev.send_signal(signal.SIGTERM)
        assert run_dev.wait(timeout=60) == 0
