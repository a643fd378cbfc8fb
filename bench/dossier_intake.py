"""How many dossiers POST /api/v1/dossiers accepts per second: gunicorn with 2 sync workers (as `make run`), 8
client connections, no worker running (the notices wait in the outbox and in Redis), a temporary SQLite database
and the bundled Redis. Prints accepted/s and latency percentiles next to issue 11's targets (>= 800/s, p99 <= 50
ms), the CPU the web processes used per dossier and the machine's load (a busy machine shows for what it is).
Prints figures, asserts nothing.

    python bench/dossier_intake.py [--seconds 15] [--connections 8]
"""

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402

from bench.support import live_province, migrated_app, sqlite_url  # noqa: E402
from platform_core.db.tenant_context import tenant_context  # noqa: E402
from platform_core.extensions import db  # noqa: E402
from platform_core.jobs.embedded_redis import start_server  # noqa: E402
from tests import factories  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET_PER_SECOND, TARGET_P99_MS = 800, 50


def prepare(workdir: Path, redis_url: str) -> tuple[dict, str]:
    """A live province with the procedure the bodies name and a live API key; returns (env for gunicorn, key)."""
    url, keys = sqlite_url(workdir), Fernet.generate_key().decode()
    app = migrated_app(workdir, redis_url, keys)
    with app.app_context():
        with tenant_context(live_province()):
            factories.create_procedure("1.004222", "Đăng ký thường trú")
            _, plaintext = factories.create_api_key("bench")
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    env = os.environ | {"DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": "bench", "ENCRYPTION_KEYS": keys,
                        "MOTCUA_INSTANCE_PATH": str(workdir), "RATELIMIT_ENABLED": "0"}
    return env, plaintext


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def post_for(port: int, key: str, seconds: float, worker: int, latencies: list, statuses: dict) -> None:
    """Post distinct dossiers until `seconds` have passed (a new connection each: gunicorn's sync workers close
    it after every answer)."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    end, number = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        body = json.dumps(factories.dossier_body(f"H15.50.05.13-260715-{worker:02d}{number:06d}"))
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/v1/dossiers", body, headers)
        status = connection.getresponse().status
        latencies.append(time.perf_counter() - started)
        statuses[status] = statuses.get(status, 0) + 1
        connection.close()
        number += 1


def children_cpu(pid: int) -> float:
    """CPU seconds of gunicorn's master and workers (from /proc, while they run)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if str(pid) in (proc.name, fields[1]):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description="Dossiers accepted per second by the REST API")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = start_server(workdir / "redis")
        env, key = prepare(workdir, redis_url)
        port = free_port()
        web = subprocess.Popen([sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}",
                                "--workers", "2", "--no-control-socket", "--log-level", "warning"],
                               cwd=REPO, env=env, start_new_session=True)
        try:
            wait_for(port, 60)
            latencies, statuses = [], {}
            cpu_before, started = children_cpu(web.pid), time.perf_counter()
            clients = [threading.Thread(target=post_for, args=(port, key, args.seconds, n, latencies, statuses))
                       for n in range(args.connections)]
            for client in clients:
                client.start()
            for client in clients:
                client.join()
            elapsed, cpu = time.perf_counter() - started, children_cpu(web.pid) - cpu_before
        finally:
            os.killpg(web.pid, signal.SIGTERM)
            web.wait(timeout=30)
            redis_process.terminate()
            redis_process.wait(timeout=10)
    accepted = statuses.get(201, 0)
    ordered = sorted(latencies)
    p99 = ordered[int(len(ordered) * 0.99) - 1] * 1000 if ordered else float("nan")
    print(f"bench/dossier_intake.py: gunicorn 2 sync workers, {args.connections} connections, {args.seconds:.0f} s")
    print(f"  answers: {statuses}")
    print(f"  accepted: {accepted / elapsed:,.0f} dossiers/s (target >= {TARGET_PER_SECOND}/s)")
    print(f"  latency: p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99:.1f} ms (target <= {TARGET_P99_MS} ms)")
    print(f"  web CPU per accepted dossier: {cpu / max(accepted, 1) * 1000:.1f} ms; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
