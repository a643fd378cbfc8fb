"""Run Motcua locally (what `make run` ends with): bundled Redis, the Zalo sandbox, web (gunicorn), worker and
pump and scheduler, until Ctrl-C. Every province with an OA in the sandbox (the demo provinces, and those given
one in the setup wizard) is connected to it again at every start.

    python scripts/run_dev.py --redis-only   # start (or reuse) the instance's bundled Redis, then return
    python scripts/run_dev.py                # start everything, wait for /readyz, print URLs and demo logins

- Each process writes its output to instance/logs/<name>.log (emptied at each start), so the banner with the
  URL and the logins stays on screen; one line of it names the files. When a process dies, the end of its log
  is printed.
- The sandbox keeps the apps the setup wizard creates in instance/sandbox/kept-apps.json (docs/sandbox.md,
  "Apps that survive a restart"); ZALO_SANDBOX_URL tells the app that it runs against the sandbox.

- Redis: REDIS_URL when set; otherwise the instance's bundled redis-server
  (`platform_core.jobs.embedded_redis.ensure_shared_server`). If `make run` started it (this script, or the
  `--redis-only` step before the flask commands, which leaves `instance/redis/run_dev.owned`), it is stopped on
  exit; one that was already running before is left alone.
- Every child runs in its own process group: Ctrl-C or SIGTERM stops them all (SIGTERM to the group, SIGKILL
  after a grace period) and exits 0. If one child dies, the others are stopped and the exit status is 1.
- Should this script die without stopping them (SIGKILL, a crash), each child gets SIGTERM from the kernel
  (Linux's parent-death signal, PR_SET_PDEATHSIG) and stops as on Ctrl-C: none is left holding the port. The
  bundled Redis is the exception: it is shared by the instance's processes and the next `make run` reuses it.
- Demo logins and API keys come from `instance/demo-credentials.json`, written by `flask demo`
  (platform_core/demo/service.py `credentials_content`; other top-level keys are printed as they are):
      {"warning": "...", "password": "...", "operator": "<email>",
       "provinces": {"bac-ninh": {"url": "/bac-ninh/", "admin": "<email>", "officer": "<email>",
                                  "api_key": "..."}}}
"""

import argparse
import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from platform_core.config import DEFAULT_INSTANCE_PATH  # noqa: E402
from platform_core.jobs.embedded_redis import ensure_shared_server, stop_shared_server  # noqa: E402

INSTANCE = Path(os.environ.get("MOTCUA_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH)  # as create_app reads it
LOG_DIR = INSTANCE / "logs"
KEPT_SANDBOX_APPS = INSTANCE / "sandbox" / "kept-apps.json"
LOG_TAIL_LINES = 30
OWNED_MARKER = INSTANCE / "redis" / "run_dev.owned"
CREDENTIALS = INSTANCE / "demo-credentials.json"
READY_TIMEOUT = 60.0
STOP_GRACE = 10.0


@dataclass
class Spec:
    name: str
    argv: list[str]


def process_specs(port: int, sandbox_port: int) -> list[Spec]:
    """The processes `make run` starts. The one place to add another."""
    python = sys.executable
    return [
        Spec("sandbox", [python, "-m", "platform_core.sandbox", "--port", str(sandbox_port), "--seed", "demo",
                         "--keep", str(KEPT_SANDBOX_APPS), "--public-base-url", f"http://127.0.0.1:{port}"]),
        Spec("web", [python, "-m", "gunicorn", "wsgi:app", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                     "--config", "python:platform_core.web.gunicorn_config", "--access-logfile", "-",
                     "--no-control-socket"]),
        Spec("worker", [python, "-m", "flask", "--app", "wsgi", "worker"]),
        # Its own worker, so sweeps, token refresh and broadcast ticks run on time behind any backlog.
        Spec("maintenance", [python, "-m", "flask", "--app", "wsgi", "worker", "--queues", "maintenance"]),
        Spec("pump", [python, "-m", "flask", "--app", "wsgi", "delivery", "pump"]),
        Spec("scheduler", [python, "-m", "flask", "--app", "wsgi", "scheduler"]),
    ]


# --- the Zalo sandbox -----------------------------------------------------------------------------------------

def sandbox_env(sandbox_url: str) -> dict:
    """The product talks to the sandbox instead of Zalo (the real Zalo is unreachable from here anyway); a
    province page's follow link and QR code open the OA's citizens in the phone view, where they follow; the
    setup wizard offers a sandbox OA (ZALO_SANDBOX_URL)."""
    return {"ZALO_OAUTH_URL": f"{sandbox_url}/oauth", "ZALO_OPENAPI_URL": f"{sandbox_url}/openapi",
            "ZALO_BUSINESS_URL": f"{sandbox_url}/business", "ZALO_OA_PAGE_URL": f"{sandbox_url}/#oa-{{oa_id}}",
            "ZALO_SANDBOX_URL": sandbox_url}


def _sandbox_call(url: str, method: str = "GET"):
    request = urllib.request.Request(url, method=method)  # noqa: S310 - our own local sandbox
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def connect_sandbox_provinces(sandbox_url: str, env: dict) -> list[str]:
    """Connect each province that has an app in the sandbox (the demo seed's, and those kept for provinces
    set up in the wizard) to its OA: fresh tokens (the sandbox keeps no tokens across a restart, so every run
    mints new ones) through `flask tenants connect-zalo`, which verifies them with getoa and imports the OA's
    followers."""
    connected = []
    for app in _sandbox_call(f"{sandbox_url}/_fake/apps"):
        if not app.get("slug"):
            continue
        tokens = _sandbox_call(f"{sandbox_url}/_fake/apps/{app['app_id']}/tokens", method="POST")
        argv = [sys.executable, "-m", "flask", "--app", "wsgi", "tenants", "connect-zalo", app["slug"],
                "--app-id", app["app_id"], "--oa-id", app["oa_id"]]
        secrets = {"ZALO_APP_SECRET": app["app_secret"], "ZALO_OA_SECRET_KEY": app["oa_secret_key"],
                   "ZALO_ACCESS_TOKEN": tokens["access_token"], "ZALO_REFRESH_TOKEN": tokens["refresh_token"]}
        result = subprocess.run(argv, cwd=REPO_ROOT, env=env | secrets, capture_output=True, text=True,  # noqa: S603
                                timeout=60, preexec_fn=dies_with_this_process())
        if result.returncode == 0:
            connected.append(app["slug"])
        else:
            print(f"run_dev: {app['slug']} not connected to the sandbox: {result.stderr.strip()[-300:]}",
                  file=sys.stderr, flush=True)
    return connected


# --- Redis --------------------------------------------------------------------------------------------------

def _shared_redis_alive() -> bool:
    state = INSTANCE / "redis" / "server.json"
    if not state.exists():
        return False
    import redis

    try:
        url = json.loads(state.read_text())["url"]
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (ValueError, KeyError, redis.RedisError):
        return False


def ensure_redis() -> tuple[str, bool]:
    """(url, owned): owned means this `make run` started it and must stop it."""
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], False
    was_running = _shared_redis_alive()
    url = ensure_shared_server(INSTANCE)
    if not was_running:
        OWNED_MARKER.write_text(str(os.getpid()))
    return url, OWNED_MARKER.exists()


def stop_redis() -> None:
    state = INSTANCE / "redis" / "server.json"
    pid = json.loads(state.read_text()).get("pid") if state.exists() else None
    stop_shared_server(INSTANCE)
    OWNED_MARKER.unlink(missing_ok=True)
    if pid:
        _wait_gone(pid, 5.0)


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child (this script started it)
                return
        except ChildProcessError:
            pass
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


# --- children -----------------------------------------------------------------------------------------------

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def dies_with_this_process():
    """A `preexec_fn` that makes the child receive SIGTERM when this process dies, however it dies. A child in
    its own session is otherwise orphaned by a SIGKILL of this script. Resolved here, in the parent: the
    function runs between fork and exec, where it must not import or take locks. None off Linux."""
    if _LIBC is None:
        return None
    prctl, parent, sigterm = _LIBC.prctl, os.getpid(), int(signal.SIGTERM)

    def preexec() -> None:
        if prctl(PR_SET_PDEATHSIG, sigterm, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
        if os.getppid() != parent:  # this script died before the signal was armed
            os.kill(os.getpid(), sigterm)

    return preexec


class Child:
    """One process, its output (stdout and stderr) in LOG_DIR/<name>.log, emptied at each start."""

    def __init__(self, spec: Spec, env: dict):
        self.name = spec.name
        self.log_path = LOG_DIR / f"{spec.name}.log"
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own argv
                spec.argv, cwd=REPO_ROOT, env=env, start_new_session=True, preexec_fn=dies_with_this_process(),
                stdout=log, stderr=subprocess.STDOUT,
            )

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as error:
            return f"({self.log_path} unreadable: {error})"

    def signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)

    def wait_group_gone(self, timeout: float) -> bool:
        """Wait for the leader and every other process of its group (gunicorn workers, RQ work horses)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.process.poll()
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.05)
        return False


def stop_children(children: list[Child]) -> None:
    for child in children:
        child.signal_group(signal.SIGTERM)
    for child in children:
        if not child.wait_group_gone(STOP_GRACE):
            print(f"run_dev: {child.name} did not stop within {STOP_GRACE:.0f}s; killing it", flush=True)
            child.signal_group(signal.SIGKILL)
            child.wait_group_gone(5.0)
        child.process.wait()


def died(child: Child) -> str:
    """Why `child` is gone, with the end of its log (the console shows no process output otherwise)."""
    return (f"{child.name} exited with status {child.process.returncode}; the end of {child.log_path}:\n"
            f"{child.log_tail()}")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does: TIME_WAIT is fine
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_ready(url: str, children: list[Child], stop: threading.Event) -> str | None:
    """None when `url` answers 200; otherwise why not."""
    deadline = time.monotonic() + READY_TIMEOUT
    last = "no answer yet"
    while time.monotonic() < deadline:
        if stop.is_set():
            return "interrupted"
        for child in children:
            if child.process.poll() is not None:
                return died(child)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local URL
                if response.status == 200:
                    return None
        except urllib.error.HTTPError as error:
            last = f"HTTP {error.code}: {error.read(300).decode(errors='replace')}"
        except (urllib.error.URLError, OSError) as error:
            last = str(error)
        stop.wait(0.25)
    return f"{url} not ready after {READY_TIMEOUT:.0f}s ({last})"


# --- banner -------------------------------------------------------------------------------------------------

def _absolute(base: str, url: str) -> str:
    return f"{base}{url}" if url.startswith("/") else url


def banner(base: str, sandbox_url: str, connected: list[str], names: list[str]) -> str:
    lines = ["", "=" * 78, f"  Motcua is running: {base}/", f"  health: {base}/healthz   ready: {base}/readyz",
             f"  Zalo sandbox (citizens' phones): {sandbox_url}/   connected: {', '.join(connected) or 'none'}",
             f"  logs of {', '.join(names)}: {LOG_DIR}/<name>.log   (tail -f {LOG_DIR}/*.log)"]
    data = None
    if CREDENTIALS.exists():
        try:
            data = json.loads(CREDENTIALS.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            lines.append(f"  ({CREDENTIALS} unreadable: {error})")
    if isinstance(data, dict):
        data = dict(data)
        warning = data.pop("warning", None)
        provinces = data.pop("provinces", None)
        if isinstance(provinces, dict) and provinces:
            lines.append("  demo provinces:")
            for slug, entry in provinces.items():
                entry = dict(entry) if isinstance(entry, dict) else {}
                url = _absolute(base, str(entry.pop("url", f"/{slug}/")))
                api_key = entry.pop("api_key", None)
                lines.append(f"    {slug:<14} {url}")
                logins = "   ".join(f"{role}: {who}" for role, who in entry.items())
                if logins:
                    lines.append(f"    {'':<14} {logins}")
                if api_key:
                    lines.append(f"    {'':<14} API key: {api_key}")
        password = data.pop("password", None)
        for key, value in data.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            lines.append(f"  {key}: {shown}")
        if password:
            lines.append(f"  password of every demo login: {password}   (sign in: {base}/login)")
        lines.append(f"  consoles: {base}/<slug>/admin/ (province admins, officers)   {base}/operator/ (operator)")
        lines.append("  API: curl -H 'Authorization: Bearer <API key>' " + f"{base}/api/v1/procedures")
        if warning:
            lines.append(f"  ({warning})")
    lines += ["  Ctrl-C stops everything.", "=" * 78, ""]
    return "\n".join(lines)


# --- main ---------------------------------------------------------------------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis-only", action="store_true", help="start (or reuse) the bundled Redis and return")
    args = parser.parse_args()

    if args.redis_only:
        url, owned = ensure_redis()
        print(f"run_dev: Redis at {url}" + (" (started for this run)" if owned else " (already running)"))
        return 0

    port = int(os.environ.get("PORT") or 5000)
    base = f"http://127.0.0.1:{port}"
    if not port_is_free(port):
        print(f"run_dev: port {port} is in use (another `make run`?); try PORT=8000 make run", file=sys.stderr)
        return 1

    stop = threading.Event()
    received: list[int] = []

    def on_signal(signum, _frame):
        received.append(signum)
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, on_signal)

    sandbox_port = int(os.environ.get("SANDBOX_PORT") or port + 55)
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    if not port_is_free(sandbox_port):
        print(f"run_dev: sandbox port {sandbox_port} is in use; try SANDBOX_PORT=5155 make run", file=sys.stderr)
        return 1

    redis_url, owns_redis = ensure_redis()
    env = dict(os.environ, REDIS_URL=redis_url, PYTHONUNBUFFERED="1", PORT=str(port), **sandbox_env(sandbox_url))
    env.setdefault("PUBLIC_BASE_URL", base)
    print(f"run_dev: Redis at {redis_url}", flush=True)

    children: list[Child] = []
    status = 0
    try:
        for spec in process_specs(port, sandbox_port):
            children.append(Child(spec, env))
            print(f"run_dev: started {spec.name} (pid {children[-1].process.pid}), log: {children[-1].log_path}",
                  flush=True)

        problem = wait_ready(f"{sandbox_url}/_fake/clock", children, stop) or wait_ready(
            f"{base}/readyz", children, stop)
        if problem is None:
            connected = connect_sandbox_provinces(sandbox_url, env)
            print(banner(base, sandbox_url, connected, [child.name for child in children]), flush=True)
        elif problem != "interrupted":
            print(f"run_dev: {problem}; stopping", file=sys.stderr, flush=True)
            status = 1

        while status == 0 and not stop.is_set():
            dead = next((c for c in children if c.process.poll() is not None), None)
            if dead is not None:
                print(f"run_dev: {died(dead)}; stopping the rest", file=sys.stderr, flush=True)
                status = 1
                break
            stop.wait(0.5)
    finally:
        print("run_dev: stopping " + ", ".join(c.name for c in children), flush=True)
        stop_children(children)
        if owns_redis:
            print("run_dev: stopping the bundled Redis", flush=True)
            stop_redis()
    if received and status == 0:
        print(f"run_dev: stopped ({signal.Signals(received[0]).name})", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
