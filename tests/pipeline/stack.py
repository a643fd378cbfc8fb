"""A running Motcua for end-to-end pipeline tests and benchmarks: the app served over HTTP from a thread,
real `flask worker` and `flask delivery pump` processes, real Redis, and the Zalo sandbox.

It uses its own database (committed data shared by several processes), never the suite's rolled-back session:
a SQLite file, or (stack_database, for tests that run on both) a fresh PostgreSQL database when the suite runs
on PostgreSQL.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis
from werkzeug.serving import make_server

from platform_core import create_app
from platform_core.db.sqlite import begin_read_only
from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.extensions import db
from platform_core.jobs.embedded_redis import free_port, start_server
from platform_core.zalo.connection import get_or_create_connection, save_credentials, store_token_pair
from tests import factories
from tests.conftest import TEST_ENCRYPTION_KEY, make_test_config
from tests.migrated_postgres import migrated_postgres
from tests.migrated_sqlite import migrated_sqlite

REPO_ROOT = Path(__file__).resolve().parents[2]
STOP_SECONDS = 30  # a warm shutdown: a worker finishes its batch
FLASK = str(Path(sys.executable).with_name("flask"))


@dataclass
class Province:
    slug: str
    ref: TenantRef
    api_key: str
    oa_id: str
    app_id: str


@dataclass
class Stack:
    app: object
    url: str
    env: dict
    provinces: dict[str, Province] = field(default_factory=dict)
    processes: dict[str, list] = field(default_factory=dict)
    server: object = None
    log_dir: Path | None = None  # each process's output goes to <log_dir>/<name>-<n>.log (running_stack sets it)
    logs: dict[int, Path | None] = field(default_factory=dict)  # by pid

    def start(self, name: str, argv: list[str], count: int = 1) -> None:
        for _ in range(count):
            log = self._log_path(name)
            with (open(log, "wb") if log else contextlib.nullcontext(subprocess.DEVNULL)) as output:  # noqa: SIM115
                process = subprocess.Popen([FLASK, "--app", "wsgi", *argv], cwd=REPO_ROOT, env=self.env,  # noqa: S603
                                           stdout=output, stderr=output, start_new_session=True)
            self.processes.setdefault(name, []).append(process)
            self.logs[process.pid] = log

    def _log_path(self, name: str) -> Path | None:
        if self.log_dir is None:
            return None
        self.log_dir.mkdir(parents=True, exist_ok=True)
        return self.log_dir / f"{name}-{len(list(self.log_dir.glob(f'{name}-*.log')))}.log"

    def start_workers(self, count: int = 1) -> None:
        self.start("worker", ["worker"], count)

    def start_pump(self) -> None:
        self.start("pump", ["delivery", "pump", "--interval", "0.05"])

    def kill(self, *names: str, sig=signal.SIGKILL) -> None:
        """Signal every `names` process's group at once, then wait for them all: a warm shutdown takes a worker
        seconds, and they take them side by side."""
        processes = [(name, process) for name in names for process in self.processes.pop(name, [])]
        for _, process in processes:
            if process.poll() is None:
                os.killpg(process.pid, sig)
        for name, process in processes:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self._killed_stuck(name, process)

    def _killed_stuck(self, name: str, process) -> None:
        """A process that did not stop within STOP_SECONDS: its threads' stacks (jobs/stack_dumps.py, into its
        log), then SIGKILL. The test goes on, with a warning that carries the stacks: the hang is a defect to
        find, not the test's subject, and every test after it must still get a stopped stack."""
        log = self.logs.get(process.pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGUSR1)
            if log is not None:
                _wait_for_dump(log, timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_SECONDS)
        stacks = log.read_text(errors="replace")[-6000:] if log and log.exists() else "(no log kept)"
        warnings.warn(f"{name} (pid {process.pid}) did not stop within {STOP_SECONDS} s of SIGTERM; its stacks:\n"
                      f"{stacks}", stacklevel=2)

    # --- crashes (tests/pipeline/test_nothing_lost.py) ---------------------------------------------------------

    def crash(self, name: str) -> int:
        """SIGKILL every `name` process together with everything it forked, as a host or container crash would;
        returns how many processes died. `kill` signals the process group only, and an RQ work horse leaves the
        worker's group (setpgrp), so it would survive and finish its batch."""
        killed = 0
        for process in self.processes.pop(name, []):
            if process.poll() is None:
                killed += _kill_tree(process.pid)
            process.wait(timeout=30)
        return killed

    def reap(self, name: str) -> int:
        """Forget the `name` processes that exited on their own; returns how many."""
        running = [process for process in self.processes.get(name, []) if process.poll() is None]
        exited = len(self.processes.get(name, [])) - len(running)
        self.processes[name] = running
        return exited

    def running(self, name: str) -> int:
        return len([process for process in self.processes.get(name, []) if process.poll() is None])

    def horses(self, name: str = "worker") -> int:
        """RQ work horses (one per job being run) of the `name` processes: the children that lead their own
        process group; the worker's scheduler child stays in the worker's group."""
        count = 0
        for process in self.processes.get(name, []):
            for child in _children(process.pid):
                with contextlib.suppress(ProcessLookupError):
                    count += os.getpgid(child) == child
        return count

    def stop(self) -> None:
        self.kill(*self.processes, sig=signal.SIGTERM)
        if self.server is not None:
            self.server.shutdown()
        with self.app.app_context():
            db.engine.dispose()

    def in_tenant(self, slug: str):
        return tenant_context(self.provinces[slug].ref)

    @contextlib.contextmanager
    def reading(self, slug: str):
        """Read the stack's database as `slug`, without taking SQLite's write lock: a test polling every few
        milliseconds would otherwise queue with the workers for it and slow down what it measures."""
        with self.app.app_context(), self.in_tenant(slug):
            begin_read_only(db.session)
            try:
                yield db.session
            finally:
                db.session.remove()


def _children(pid: int) -> list[int]:
    """The process's children; none when it has just exited (its /proc entry is gone)."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return []
    found = []
    for task in tasks:
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def _kill_tree(pid: int) -> int:
    """Freeze the process group (nothing new is forked), SIGKILL every descendant's group, then the group."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGSTOP)
    descendants, pending = [], _children(pid)
    while pending:
        child = pending.pop()
        descendants.append(child)
        pending += _children(child)
    for child in descendants:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(os.getpgid(child), signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    return 1 + len(descendants)


class RestartableRedis:
    """A private bundled redis-server on a fixed port, so that it can be killed and started again on the same
    port while the stack's processes keep its URL and reconnect. It persists nothing (as started by
    start_server): a restart loses every queued job, lock and limiter key, like a Redis crash without AOF."""

    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir, self.port = data_dir, port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RestartableRedis":
        self.process, _ = start_server(self.data_dir, self.port)
        return self

    def stop(self, sig=signal.SIGKILL) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
        if self.process is not None:
            self.process.wait(timeout=30)
        self.process = None


def build_stack(workdir: Path, redis_url: str, sandbox, database: dict | None = None) -> Stack:
    """`database` (as stack_database gives it) defaults to a fresh SQLite file. The stack starts on an empty
    Redis: the tests of one xdist worker share its Redis, and an earlier test's leftovers (a killed pump's leader
    key, which keeps this stack's pump standing by, jobs whose database is gone, RQ's scheduler locks) must not
    hold this stack up."""
    redis.Redis.from_url(redis_url).flushdb()
    if database is None:
        url = migrated_sqlite(workdir / "stack.sqlite3")
        database = {"owner": url, "runtime": url, "dialect": "sqlite"}
    zalo = {"ZALO_OAUTH_URL": sandbox.oauth_url, "ZALO_OPENAPI_URL": sandbox.openapi_url,
            "ZALO_BUSINESS_URL": sandbox.business_url}
    config = make_test_config(database, redis_url, workdir / "instance") | zalo | {
        "SQLITE_IMMEDIATE_TRANSACTIONS": True}
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url
    env = os.environ | zalo | {
        "DATABASE_URL": database["runtime"], "REDIS_URL": redis_url, "SECRET_KEY": "test-secret-key",
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY, "MOTCUA_INSTANCE_PATH": str(workdir / "instance"),
        "PUBLIC_BASE_URL": url, "OUTGOING_WEBHOOK_ALLOW_PRIVATE": "1",
    }
    stack = Stack(app=app, url=url, env=env, server=server)
    threading.Thread(target=server.serve_forever, name="stack-web", daemon=True).start()
    return stack


@contextlib.contextmanager
def stack_database(workdir: Path) -> Iterator[dict | None]:
    """The database the suite runs on, for a stack of its own: with DATABASE_URL=postgresql://... a fresh
    database on that server (dropped afterwards), else None (build_stack's SQLite file)."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith(("postgresql", "postgres")):
        yield None
        return
    with migrated_postgres(given, workdir / "migrations-instance") as database:
        yield database


def _wait_for_dump(log: Path, timeout: float) -> None:
    """Until faulthandler has written the signalled (main) thread's stack, which it writes last, or `timeout`."""
    deadline = time.monotonic() + timeout
    while "Current thread" not in log.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(0.02)


@contextlib.contextmanager
def running_stack(workdir: Path, redis_url: str, sandbox, database: dict | None = None) -> Iterator[Stack]:
    """build_stack, stopped (processes, server, engine) when the block ends."""
    stack = build_stack(workdir, redis_url, sandbox, database)
    stack.log_dir = workdir / "logs"
    try:
        yield stack
    finally:
        stack.stop()


def add_province(stack: Stack, sandbox, slug: str, name: str) -> Province:
    """A live tenant with one procedure, connected to its own OA in the sandbox, and a live API key."""
    seeded = sandbox.add_app(slug, webhook_url=f"{stack.url}/zalo/webhook/{slug}", oa_name=f"Trung tâm PVHCC {name}")
    tokens = sandbox.mint_tokens(seeded.app_id)
    with stack.app.app_context():
        tenant = factories.create_tenant(slug, name)
        ref = TenantRef(tenant.id, tenant.slug)
        with tenant_context(ref):
            factories.create_procedure("1.004222", "Đăng ký thường trú", agency=f"Công an xã, {name}",
                                       processing_time_value=7, processing_time_unit="working_day")
            connection = get_or_create_connection()
            save_credentials(connection, app_id=seeded.app_id, app_secret=seeded.app_secret, oa_id=seeded.oa_id,
                             oa_secret_key=seeded.oa_secret_key)
            store_token_pair(connection, tokens["access_token"], tokens["refresh_token"], 90_000)
            connection.oa_name = seeded.oa_name
            _, api_key = factories.create_api_key(f"{slug} one-stop system")
        db.session.commit()
        db.session.remove()
    province = Province(slug, ref, api_key, seeded.oa_id, seeded.app_id)
    stack.provinces[slug] = province
    return province
