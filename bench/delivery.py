"""Dossier notifications end to end: REST API -> outbox -> pump -> RQ workers -> the Zalo sandbox.

Starts everything it needs and stops it at the end: the bundled Redis, the Zalo sandbox (`python -m
platform_core.sandbox`, a process of its own, --latency-ms on every Zalo call), a temporary SQLite database
(with DATABASE_URL=postgresql://..., a fresh database on that server, used as the runtime role under row-level
security) with N live provinces (each connected to its own sandbox OA with --citizens citizens) plus one quiet
province, the web app under gunicorn (2 sync workers, as `make run`), K `flask worker` processes and one `flask
delivery pump`. Then:

1. the sandbox's own ceiling: direct POSTs to /openapi/v3.0/oa/message/cs from an aiohttp client in another
   process, 256 in flight, next to the 3,000 calls/s the delivery figures need (bench/sandbox_ceiling.py);
2. M dossiers per province through POST /api/v1/dossiers (status `received`: one notice each), from several
   client threads, the provinces interleaved; the pipeline runs meanwhile (or after, with --sequential);
   with --bulk N, also N policy-news deliveries per province (a planned broadcast, bulk class);
3. 10 dossiers for the quiet province while the others' backlog drains (with --bulk, 10 for every province
   too, once the dossiers' notices are out and a tenth of the news);
4. waits until every notice is at the sandbox (or the time is up) and prints, each next to issue 11's target:
   dossiers/s accepted by the API, messages/s delivered (the sandbox's send timestamps), CPU per message by
   process, each province's rate against its limit, -32 answers, p50/p99 from the notification's creation
   (same transaction as the dossier) to the sandbox recording the send, and with --bulk the news's rate and
   the transactional notices' latency while it drained.
With --naive the same run follows with DELIVERY_BATCH_SIZE=1 (one RQ job per message, the baseline), and the
ratio is printed.

If the message templates (platform_core/notices/templates.py) cannot be imported, or with --replies, the
dossiers are posted with a `test` API key (simulated notices: same API and outbox writes, nothing sent) and
the Zalo traffic is bot replies queued through outbox.send_reply instead; the output says so.

The CPU figures (machine busy vs this benchmark's process tree, from /proc) tell whether something else on the
machine took a share. --max-seconds bounds the whole run up to the end of the drain (then it reports what got
through and says NOT DRAINED); stopping the processes adds a few seconds. Prints figures, asserts nothing.

    python bench/delivery.py [--tenants 3] [--events 300] [--workers 2] [--latency-ms 50] [--max-seconds 100]
        [--per-minute 4000] [--sequential] [--bulk N] [--naive]
"""

import argparse
import contextlib
import itertools
import logging
import os
import platform
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import redis  # noqa: E402
from rq import Worker  # noqa: E402
from sqlalchemy import and_, func, insert, select  # noqa: E402

from bench.sandbox_ceiling import TARGET as SANDBOX_TARGET  # noqa: E402
from bench.sandbox_ceiling import measure_ceiling  # noqa: E402
from bench.support import redis_and_sandbox_process  # noqa: E402
from platform_core import create_app  # noqa: E402
from platform_core.broadcasts.planning import NEWS_EVENT  # noqa: E402
from platform_core.clock import VIETNAM  # noqa: E402
from platform_core.db.migrations import upgrade  # noqa: E402
from platform_core.db.session import SCOPED_BY_CALLER  # noqa: E402
from platform_core.delivery.composed import ComposedMessage  # noqa: E402
from platform_core.delivery.constants import CLASS_BULK, CLASS_TX  # noqa: E402
from platform_core.delivery.models import Delivery, Notification  # noqa: E402
from platform_core.delivery.outbox import send_reply  # noqa: E402
from platform_core.delivery.policy import set_limits  # noqa: E402
from platform_core.delivery.pump import LEADER_KEY  # noqa: E402
from platform_core.extensions import db  # noqa: E402
from platform_core.jobs.embedded_redis import free_port  # noqa: E402
from platform_core.jobs.queues import QUEUE_ZALO_EVENTS, QUEUE_ZALO_TX  # noqa: E402
from platform_core.zalo.models import Follower  # noqa: E402
from tests import factories  # noqa: E402
from tests.conftest import TEST_ENCRYPTION_KEY, make_test_config  # noqa: E402
from tests.pipeline.stack import REPO_ROOT, Stack, add_province, stack_database  # noqa: E402
from tests.zalo_sandbox_fixtures import ZaloSandbox  # noqa: E402

PROCEDURE = "1.004222"  # the one procedure add_province gives every province
PROBE_EVENTS = 10
WEB_WORKERS = 2

# --- processes ------------------------------------------------------------------------------------------------

def start_process(stack: Stack, name: str, argv: list[str], log_path: Path) -> subprocess.Popen:
    """A process in its own group (so that stopping it stops its children, gunicorn's workers), its output in
    `log_path` (shown if the run fails)."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(argv, cwd=REPO_ROOT, env=stack.env, stdout=log,  # noqa: S603
                                   stderr=subprocess.STDOUT, start_new_session=True)
    stack.processes.setdefault(name, []).append(process)
    return process


def stop_processes(stack: Stack) -> None:
    """SIGTERM every group, wait up to 5 s in all, then SIGKILL what is left, including any RQ work horse (it
    leads a process group of its own, so signalling the worker's group does not reach it)."""
    processes = [process for group in stack.processes.values() for process in group]
    stack.processes.clear()
    descendants = [child for process in processes for child in descendants_of(process.pid)]
    for process in processes:
        signal_group(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            descendants += descendants_of(process.pid)
            signal_group(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    for pid, started in descendants:  # normally gone by now: their parents waited for them
        if start_time(pid) == started:  # the same process, not a later one that got its pid
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def descendants_of(pid: int) -> list[tuple[int, str]]:
    """(pid, start time) of every live descendant."""
    return [entry for child in children_of(pid) for entry in [(child, start_time(child)), *descendants_of(child)]]


def start_time(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def signal_group(pid: int, sig) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def wait_until(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not ready within {timeout:.0f} s")
        time.sleep(interval)


# --- setup ----------------------------------------------------------------------------------------------------

def build(workdir: Path, redis_url: str, sandbox: ZaloSandbox, port: int, postgres: dict | None = None) -> Stack:
    """tests/pipeline/stack.py's build_stack, except that the web app is served by gunicorn (a process of its
    own, as in `make run`), not from a thread of this process, which already hosts the sandbox. `postgres`
    (tests/pipeline/stack.stack_database's migrated database) replaces the SQLite file."""
    sqlite = f"sqlite:///{workdir / 'bench.sqlite3'}"
    urls = postgres or {"owner": sqlite, "runtime": sqlite, "dialect": "sqlite"}
    zalo = {"ZALO_OAUTH_URL": sandbox.oauth_url, "ZALO_OPENAPI_URL": sandbox.openapi_url,
            "ZALO_BUSINESS_URL": sandbox.business_url}
    url = f"http://127.0.0.1:{port}"
    # BEGIN IMMEDIATE as the other processes: a deferred read-then-write transaction (the fallback's replies)
    # fails at once while they write. This process reads the results only every few seconds and at the end.
    config = make_test_config(urls, redis_url, workdir / "instance") | zalo | {
        "PUBLIC_BASE_URL": url, "SQLITE_IMMEDIATE_TRANSACTIONS": True}
    app = create_app(config)
    env = os.environ | zalo | {
        "DATABASE_URL": urls["runtime"], "REDIS_URL": redis_url, "SECRET_KEY": "bench-secret-key",
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY, "MOTCUA_INSTANCE_PATH": str(workdir / "instance"),
        "PUBLIC_BASE_URL": url,
    }
    if postgres is None:  # stack_database migrated PostgreSQL's already
        with app.app_context():
            logging.disable(logging.INFO)  # alembic's "Running upgrade ..." lines
            upgrade()
            logging.disable(logging.NOTSET)
    return Stack(app=app, url=url, env=env)


def add_citizens(sandbox: ZaloSandbox, province, count: int) -> list[str]:
    return sandbox.add_users(province.oa_id, count, last_interaction="now", is_follower=True)


def test_key(stack: Stack, slug: str) -> str:
    with stack.app.app_context(), stack.in_tenant(slug):
        _, plaintext = factories.create_api_key(f"{slug} bench (test key)", kind="test")
        db.session.commit()
        db.session.remove()
    return plaintext


def start_web(stack: Stack, workdir: Path) -> None:
    start_process(stack, "web", [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind", stack.url.split("//")[1],
                                 "--workers", str(WEB_WORKERS), "--no-control-socket", "--log-level", "warning"],
                  workdir / "web.log")


def start_delivery(stack: Stack, workdir: Path, args) -> None:
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    simple = ["--simple"] if args.simple else []
    for n in range(args.workers):
        start_process(stack, "worker", [*flask, "worker", *simple], workdir / f"worker-{n}.log")
    for n in range(args.tx_workers):  # citizens' notices and messages only: never busy with a bulk batch
        start_process(stack, "worker", [*flask, "worker", *simple, "--queues", QUEUE_ZALO_TX,
                                        "--queues", QUEUE_ZALO_EVENTS], workdir / f"tx-worker-{n}.log")
    start_process(stack, "pump", [*flask, "delivery", "pump", "--interval", str(args.pump_interval)],
                  workdir / "pump.log")


def wait_ready(stack: Stack, redis_url: str, args, web: bool = True, delivery: bool = True) -> None:
    if web:
        wait_until(lambda: _answers(f"{stack.url}/api/v1/openapi.json"), 30, "gunicorn")
    if not delivery:
        return
    connection = redis.Redis.from_url(redis_url)
    wait_until(lambda: len(Worker.all(connection=connection)) >= args.workers + args.tx_workers, 30, "flask worker")
    wait_until(lambda: connection.get(LEADER_KEY), 30, "flask delivery pump")
    connection.close()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


# --- posting --------------------------------------------------------------------------------------------------

def dossier_body(code: str, citizen: str, n: int) -> dict:
    now = datetime.now(UTC).astimezone()
    return {
        "code": code, "procedure_code": PROCEDURE, "status": "received", "channel": 2,
        "applicant": {"name": f"Nguyễn Văn {n:04d}", "phone": f"09{n % 10**8:08d}", "zalo_user_id": citizen},
        "received_at": (now - timedelta(hours=1)).isoformat(timespec="seconds"),
        "due_at": (now + timedelta(days=7)).isoformat(timespec="seconds"),
    }


class Poster:
    """Client threads that POST dossiers; remembers what was accepted and what was refused."""

    def __init__(self, url: str):
        self.url = url
        self.accepted: dict[str, int] = {}
        self.refused: list[str] = []
        self.lock = threading.Lock()

    def post_all(self, items: list[tuple[str, str, dict]], threads: int, deadline: float) -> float:
        """items: (slug, api_key, body). Returns the seconds it took."""
        work: queue.SimpleQueue = queue.SimpleQueue()
        for item in items:
            work.put(item)
        started = time.perf_counter()
        pool = [threading.Thread(target=self._loop, args=(work, deadline)) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        return time.perf_counter() - started

    def post_one(self, client: httpx.Client, slug: str, key: str, body: dict) -> None:
        try:
            answer = client.post(f"{self.url}/api/v1/dossiers", json=body, headers={"Authorization": f"Bearer {key}"})
            outcome = answer.status_code
        except httpx.HTTPError as error:
            outcome = type(error).__name__
        with self.lock:
            if outcome == 201:
                self.accepted[slug] = self.accepted.get(slug, 0) + 1
            else:
                self.refused.append(f"{slug} {body['code']}: {outcome}")

    def _loop(self, work: queue.SimpleQueue, deadline: float) -> None:
        with httpx.Client(timeout=30) as client:
            while time.monotonic() < deadline:
                try:
                    slug, key, body = work.get_nowait()
                except queue.Empty:
                    return
                self.post_one(client, slug, key, body)


# --- what reached the sandbox ---------------------------------------------------------------------------------

def sandbox_sends(sandbox: ZaloSandbox, oa_ids: set[str], ahead_ms: float = 0) -> dict[str, int]:
    """message_id -> sent_ms on this machine's clock (the sandbox's, which follows real time, less `ahead_ms`
    when it was set to run from another hour), for these OAs: one control call per OA, made once the drain is
    over (the sandbox is a process of its own)."""
    return {m["message_id"]: m["sent_ms"] - ahead_ms for oa_id in oa_ids for m in sandbox.messages(oa_id=oa_id)}


def unsent(stack: Stack, slugs: list[str], message_class: str | None = None) -> int:
    """The provinces' deliveries (of `message_class`, or all) not yet sent or given up (pending or sending), one
    count per province, each in its tenant context: how the drain is followed without polling the sandbox."""
    left = 0
    class_filter = () if message_class is None else (Delivery.message_class == message_class,)
    with stack.app.app_context():
        for slug in slugs:
            with stack.in_tenant(slug):
                left += db.session.scalar(select(func.count()).select_from(Delivery)
                                          .where(Delivery.state.in_(("pending", "sending")), *class_filter))
        db.session.remove()
    return left


def delivery_rows(stack: Stack, slug: str) -> list:
    """(state, provider_message_id, notification created_at, delivery sent_at, error, channel, class, claimed
    at, sending started at) of the province's rows,
    read in its tenant context (a cross-tenant read would write an audit row)."""
    with stack.app.app_context(), stack.in_tenant(slug):
        rows = db.session.execute(
            select(Delivery.state, Delivery.provider_message_id, Notification.created_at, Delivery.sent_at,
                   Delivery.error_code, Delivery.error_message, Delivery.channel, Delivery.message_class,
                   Delivery.claimed_at, Delivery.sending_started_at)
            .join(Notification, and_(Notification.tenant_id == Delivery.tenant_id,
                                     Notification.id == Delivery.notification_id))
        ).all()
        db.session.remove()
    return rows


def epoch_ms(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def latency_line(latencies_ms: list[float]) -> str:
    if not latencies_ms:
        return "no message reached the sandbox"
    s = [v / 1000 for v in latencies_ms]
    return (f"p50 {percentile(s, 0.5):.2f} s   p99 {percentile(s, 0.99):.2f} s   max {max(s):.2f} s"
            f"   ({len(s)} messages)")


# --- the run --------------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=3, help="provinces with M dossiers each")
    parser.add_argument("--events", type=int, default=300, help="dossiers per province")
    parser.add_argument("--workers", type=int, default=2, help="`flask worker` processes")
    parser.add_argument("--tx-workers", type=int, default=0,
                        help="more `flask worker` processes for the transactional and events queues only")
    parser.add_argument("--latency-ms", type=int, default=50, help="sandbox latency on every Zalo call")
    parser.add_argument("--max-seconds", type=float, default=100,
                        help="budget for the whole run (setup, ceiling, posting, draining); stops draining then")
    parser.add_argument("--clients", type=int, default=4, help="client threads posting dossiers")
    parser.add_argument("--pump-interval", type=float, default=0.2, help="`flask delivery pump --interval`")
    parser.add_argument("--citizens", type=int, default=200, help="per province; its dossiers go to them in turn")
    parser.add_argument("--ceiling-seconds", type=float, default=3.0, help="the sandbox's ceiling is measured so long")
    parser.add_argument("--ceiling-in-flight", type=int, default=256, help="calls in flight for the ceiling")
    parser.add_argument("--per-minute", type=int, default=None,
                        help="every province's OA limit (transactional and bulk), e.g. 4000: Zalo's per app")
    parser.add_argument("--simple", action="store_true", help="`flask worker --simple` (no fork per job)")
    parser.add_argument("--sequential", action="store_true",
                        help="post every dossier before starting the workers and the pump (the API alone, then "
                             "the drain alone; the latencies then include that wait)")
    parser.add_argument("--replies", action="store_true",
                        help="simulated dossier notices, and bot replies as the Zalo traffic (the fallback)")
    parser.add_argument("--bulk", type=int, default=0,
                        help="N policy-news deliveries per province (a planned broadcast) queued with the dossiers; "
                             "then transactional notices in those provinces while the news drains")
    parser.add_argument("--naive", action="store_true",
                        help="then the same run again as the one-RQ-job-per-message baseline (DELIVERY_BATCH_SIZE=1: "
                             "every claim a batch of one), with --naive-events dossiers per province, and the ratio")
    parser.add_argument("--naive-events", type=int, default=20, help="dossiers per province in the baseline run")
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: still clean up (finally)
    replies = args.replies or not templates_available()
    clock = Clock(args.max_seconds)
    delivered = one_pass(args, replies, clock, naive=False)
    print(f"took {clock.elapsed():.0f} s in all")
    if args.naive:
        print("\n--naive: the same pipeline, one RQ job per message (DELIVERY_BATCH_SIZE=1)")
        naive_args = argparse.Namespace(**vars(args) | {"events": args.naive_events})
        clock = Clock(args.max_seconds)
        baseline = one_pass(naive_args, replies, clock, naive=True)
        print(f"took {clock.elapsed():.0f} s in all")
        ratio = delivered / baseline if delivered and baseline else float("nan")
        print(f"batch engine vs one-job-per-message baseline: {delivered:,.0f} / {baseline:,.1f} msg/s = "
              f"{ratio:,.1f}x   target >= 100x")


def one_pass(args, replies: bool, clock, naive: bool) -> float | None:
    """One whole run on a fresh stack (its own Redis, sandbox and database); returns messages/s delivered."""
    with tempfile.TemporaryDirectory(prefix="motcua-bench-delivery-") as tmp, contextlib.ExitStack() as cleanup:
        workdir = Path(tmp)
        redis_url, sandbox = redis_and_sandbox_process(cleanup, workdir, args.latency_ms)
        postgres = cleanup.enter_context(stack_database(workdir))  # None unless DATABASE_URL=postgresql://...
        try:
            stack = build(workdir, redis_url, sandbox, free_port(), postgres)
            if naive:
                stack.env["DELIVERY_BATCH_SIZE"] = "1"
            cleanup.callback(stop_stack, stack)
            return run(stack, sandbox, workdir, redis_url, args, replies, clock)
        except Exception:
            for log in sorted(workdir.glob("*.log")):
                print(f"--- {log.name} (end) ---\n{log.read_text(errors='replace')[-2000:]}", file=sys.stderr)
            raise


def stop_stack(stack: Stack) -> None:
    stop_processes(stack)
    with stack.app.app_context():
        db.engine.dispose()


class Clock:
    def __init__(self, budget: float):
        self.began = time.monotonic()
        self.deadline = self.began + budget

    def elapsed(self) -> float:
        return time.monotonic() - self.began

    def left(self) -> float:
        return self.deadline - time.monotonic()


def templates_available() -> bool:
    try:
        from platform_core.notices.templates import current_template  # noqa: F401
    except ImportError:
        return False
    return True


def cpu_sample() -> tuple[int, int, int] | None:
    """(all CPUs' jiffies, idle jiffies, this benchmark's process tree's jiffies), from /proc (Linux), or None.
    Other work on the machine (say, a test suite) shows as the difference between busy and ours."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(values), values[3] + values[4], tree_jiffies(os.getpid())


def tree_jiffies(pid: int) -> int:
    """utime + stime + the reaped children's, of `pid` and every live descendant."""
    try:
        total = sum(int(v) for v in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:15])
    except (OSError, ValueError):
        return 0  # gone since it was listed: its parent's cutime has it
    return total + sum(tree_jiffies(child) for child in children_of(pid))


def children_of(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError, ValueError):  # a thread may end while we look (the sandbox's do)
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def pump_sample(stack: Stack) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of the pump's process: sampled once it leads (its start-up excluded)."""
    return tree_jiffies(stack.processes["pump"][0].pid) / os.sysconf("SC_CLK_TCK"), time.monotonic()


def roles_sample(stack: Stack, sandbox_pid: int) -> dict[str, int]:
    """Jiffies by role: each started process's tree (worker, pump, web), and this process itself (the sandbox's
    polling) and the sandbox's process, so that the platform's CPU per message reads apart from the sandbox's."""
    sample = {name: sum(tree_jiffies(process.pid) for process in group) for name, group in stack.processes.items()}
    stat = Path(f"/proc/{os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()
    sample["bench"] = int(stat[11]) + int(stat[12])
    sample["sandbox"] = tree_jiffies(sandbox_pid)
    return sample


def cpu_busy(before, after, items: int = 0) -> str:
    """The machine's and this benchmark's CPU between two samples, and ours per item (event or message)."""
    if not before or not after or after[0] == before[0]:
        return "CPU n/a"
    elapsed, ours = after[0] - before[0], after[2] - before[2]
    per_item = f", {ours / os.sysconf('SC_CLK_TCK') * 1000 / items:.2f} ms CPU each" if items else ""
    return f"CPU {1 - (after[1] - before[1]) / elapsed:.0%} busy, {ours / elapsed:.0%} ours{per_item}"


def run(stack: Stack, sandbox: ZaloSandbox, workdir: Path, redis_url: str, args, replies: bool,
        clock: Clock) -> float | None:
    slugs = [f"bench-{n + 1}" for n in range(args.tenants)]
    quiet = "bench-quiet"
    provinces = {slug: add_province(stack, sandbox, slug, f"Tỉnh Bench {slug[6:]}") for slug in [*slugs, quiet]}
    citizens = {slug: add_citizens(sandbox, province, max(args.citizens, args.bulk))
                for slug, province in provinces.items()}
    keys = {slug: test_key(stack, slug) if replies else province.api_key for slug, province in provinces.items()}
    if args.per_minute:
        limit_provinces(stack, provinces, args.per_minute)
    backlog_oas, quiet_oas = {provinces[slug].oa_id for slug in slugs}, {provinces[quiet].oa_id}

    print(f"bench/delivery.py: {platform.node()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{dialect_name()}, bundled Redis; load average {os.getloadavg()[0]:.1f} at the start")
    print(f"  {args.tenants} provinces x {args.events} dossiers, then {PROBE_EVENTS} for a quiet province; "
          f"{args.workers} `flask worker{' --simple' if args.simple else ''}`"
          f"{f' and {args.tx_workers} for zalo-tx and zalo-events only' if args.tx_workers else ''}, "
          f"pump every {args.pump_interval} s, "
          f"gunicorn {WEB_WORKERS} sync workers, {args.clients} client threads; sandbox latency {args.latency_ms} ms"
          + ("; SEQUENTIAL: the pipeline starts after the posting" if args.sequential else ""))
    if replies:
        print("  FALLBACK: message templates unavailable (or --replies): dossiers are posted with a test key "
              "(simulated notices,\n  nothing sent) and the Zalo traffic is bot replies queued with "
              "outbox.send_reply (consultation texts)")

    ceiling = measure_ceiling(sandbox.base_url, args.ceiling_in_flight, args.ceiling_seconds,
                              sandbox_pid=sandbox.server.pid)
    print(f"sandbox ceiling (one asyncio process; aiohttp client in another): {ceiling['rate']:,.0f} calls/s with "
          f"{args.ceiling_in_flight} in flight, target >= {SANDBOX_TARGET:,}; {ceiling['sandbox_cpu_ms_per_call']:.3f} "
          f"ms of sandbox CPU per call (one free core: {1000 / ceiling['sandbox_cpu_ms_per_call']:,.0f} calls/s); "
          f"errors {ceiling['errors'] or 0}")

    start_web(stack, workdir)
    if not args.sequential:
        start_delivery(stack, workdir, args)
    wait_ready(stack, redis_url, args, delivery=not args.sequential)
    pump_from = None if args.sequential else pump_sample(stack)
    print(f"  ready after {clock.elapsed():.0f} s (setup and ceiling)")

    # 1. M dossiers per province, interleaved.
    items, serial = [], itertools.count(1)
    for n in range(args.events):
        for slug in slugs:
            number = next(serial)
            items.append((slug, keys[slug], dossier_body(f"H{slug[6:]}.BENCH-{number:06d}",
                                                         citizens[slug][n % args.citizens], number)))
    poster, cpu_start = Poster(stack.url), cpu_sample()
    post_seconds = poster.post_all(items, args.clients, clock.deadline)
    posted_ms, cpu_posted = time.time() * 1000, cpu_sample()
    accepted = sum(poster.accepted.get(slug, 0) for slug in slugs)
    expected = accepted
    if replies:
        expected = args.tenants * args.events
        seconds = queue_replies(stack, slugs, citizens, args.events)
        print(f"  ({expected} bot replies queued straight into the outbox in {seconds:.1f} s)")
    sandbox_ahead_ms = 0.0
    if args.bulk:
        sandbox.settings(promotion_daily_cap=10**9)  # the province's cap is the platform's business, not measured
        # Zalo refuses promotions 22:00-06:00 in Vietnam: after 15:00 UTC the news would wait for the morning. The
        # sandbox's clock runs from 10:00 instead, and its send times are read back on this machine's clock.
        asked_ms = time.time() * 1000
        sandbox_ahead_ms = sandbox.set_clock(datetime.now(VIETNAM).strftime("%Y-%m-%dT10:00:00"),
                                             running=True)["now_ms"] - (asked_ms + time.time() * 1000) / 2
        seconds = queue_news(stack, slugs, citizens, args.bulk)
        expected += args.tenants * args.bulk
        print(f"  ({args.tenants * args.bulk} policy-news deliveries queued straight into the outbox in "
              f"{seconds:.1f} s)")
    drain_from_ms, cpu_drain = posted_ms, cpu_posted
    if args.sequential:
        start_delivery(stack, workdir, args)
        wait_ready(stack, redis_url, args, web=False)
        pump_from = pump_sample(stack)
        drain_from_ms, cpu_drain = time.time() * 1000, cpu_sample()
    roles_from = roles_sample(stack, sandbox.server.pid)

    # 2. The quiet province's notices while that backlog drains (with --bulk, every province's too, once the
    # dossiers' own notices are out and a tenth of the news: the news's steady drain, not the workers' first jobs,
    # and not a citizen's notice queued behind 3,400 other notices, which is the run without --bulk).
    if args.bulk:
        news = unsent(stack, slugs, CLASS_BULK)
        wait_until(lambda: unsent(stack, slugs, CLASS_TX) == 0 and unsent(stack, slugs, CLASS_BULK) <= 0.9 * news,
                   max(clock.left(), 1), "the dossiers' notices and a tenth of the news", interval=0.25)
    at_probe, probe_from_ms = unsent(stack, slugs), time.time() * 1000
    with httpx.Client(timeout=30) as client:
        for n in range(PROBE_EVENTS):
            for slug in [quiet, *(slugs if args.bulk else [])]:
                number = next(serial)
                if replies:
                    queue_replies(stack, [slug], citizens, 1, prefix=f"probe-{n}")
                poster.post_one(client, slug, keys[slug],
                                dossier_body(f"H{slug[6:]}.PROBE-{number:06d}", citizens[slug][n], number))
            time.sleep(0.1)
    expected += len(slugs) * PROBE_EVENTS if args.bulk else 0

    # 3. Drain, within the budget (or until no row is left to send, should some fail for good).
    while clock.left() > 0 and unsent(stack, [*slugs, quiet]):
        time.sleep(0.5)
    drained = clock.left() > 0
    cpu_end = cpu_sample()
    pump_cpu = tuple(end - start for start, end in zip(pump_from, pump_sample(stack), strict=True))
    roles_end = roles_sample(stack, sandbox.server.pid)
    roles = {name: roles_end[name] - roles_from.get(name, 0) for name in roles_end}

    # 4. Figures.
    return report(args, Figures(
        rows={slug: delivery_rows(stack, slug) for slug in [*slugs, quiet]},
        sends=sandbox_sends(sandbox, backlog_oas | quiet_oas, sandbox_ahead_ms), slugs=slugs, quiet=quiet,
        poster=poster,
        accepted=accepted, expected=expected, post_seconds=post_seconds, posted_ms=posted_ms, at_probe=at_probe,
        probe_from_ms=probe_from_ms,
        ceiling=ceiling, drained=drained, drain_from_ms=drain_from_ms,
        cpu=(cpu_start, cpu_posted, cpu_drain, cpu_end), pump_cpu=pump_cpu, roles=roles))


def limit_provinces(stack: Stack, provinces: dict, per_minute: int) -> None:
    for slug in provinces:
        with stack.app.app_context(), stack.in_tenant(slug):
            for message_class in ("tx", "bulk"):
                set_limits(message_class, per_minute=per_minute, burst=burst_for(per_minute))
            db.session.commit()
            db.session.remove()


def queue_news(stack: Stack, slugs: list[str], citizens: dict, count: int) -> float:
    """A planned broadcast per province: `count` citizens known as followers, one policy-news notification (a
    promotion, bulk) and a delivery to each of them, written with one executemany each (broadcasts/planning.py
    writes them set-based too), the tenant's id given by hand."""
    started = time.perf_counter()
    message = ComposedMessage(text="Tỉnh triển khai dịch vụ công trực tuyến toàn trình cho 50 thủ tục mới.",
                              header="Tin chính sách", promotion=True)
    for slug in slugs:
        with stack.app.app_context(), stack.in_tenant(slug):
            notification = Notification(event_kind=NEWS_EVENT, message_class=CLASS_BULK,
                                        idempotency_key=f"bench-news-{slug}", context=message.to_context())
            db.session.add(notification)
            db.session.flush()
            now = datetime.now(UTC)
            db.session.execute(insert(Follower).execution_options(**{SCOPED_BY_CALLER: True}), [
                {"tenant_id": notification.tenant_id, "zalo_user_id": user, "is_follower": True, "followed_at": now,
                 "last_interaction_at": now} for user in citizens[slug][:count]])
            db.session.execute(insert(Delivery).execution_options(**{SCOPED_BY_CALLER: True}), [
                {"tenant_id": notification.tenant_id, "notification_id": notification.id,
                 "message_class": CLASS_BULK, "recipient_zalo_user_id": user} for user in citizens[slug][:count]])
            db.session.commit()
            db.session.remove()
    return time.perf_counter() - started


def burst_for(per_minute: int) -> int:
    """The burst `--per-minute` gives every province: 1.5 s of its rate."""
    return max(per_minute // 40, 1)


def queue_replies(stack: Stack, slugs: list[str], citizens: dict, count: int, prefix: str = "bench") -> float:
    started = time.perf_counter()
    for slug in slugs:
        with stack.app.app_context(), stack.in_tenant(slug):
            for n in range(count):
                send_reply(citizens[slug][n % len(citizens[slug])], f"Hồ sơ của bạn đã được tiếp nhận ({prefix} {n}).",
                           idempotency_key=f"{prefix}-{slug}-{n}")
            db.session.commit()
            db.session.remove()
    return time.perf_counter() - started


@dataclass
class Figures:
    rows: dict
    sends: dict
    slugs: list
    quiet: str
    poster: Poster
    accepted: int
    expected: int
    post_seconds: float
    posted_ms: float
    at_probe: int  # the others' messages still to send when the quiet province's began
    probe_from_ms: float
    ceiling: dict
    drained: bool
    drain_from_ms: float
    cpu: tuple
    pump_cpu: tuple  # (CPU seconds, seconds) of the pump's process, the one leader, from its first tick on
    roles: dict  # jiffies by role over the drain (with --sequential; else from the posting's start)


def report(args, f: Figures) -> float | None:
    """Prints the figures; returns messages/s delivered, first to last send."""
    latencies, sent_ms, created_ms, states, channels, errors = [], [], [], {}, {}, {}
    for slug in f.slugs:
        for row in f.rows[slug]:
            states[row.state] = states.get(row.state, 0) + 1
            channels[row.channel] = channels.get(row.channel, 0) + 1
            if row.state == "failed" or row.error_code is not None:
                key = f"{row.error_code}: {(row.error_message or '')[:80]}"
                errors[key] = errors.get(key, 0) + 1
            sent = f.sends.get(row.provider_message_id)
            if sent is not None:
                created_ms.append(epoch_ms(row.created_at))
                latencies.append(sent - created_ms[-1])
                sent_ms.append(sent)
    probe = [f.sends[row.provider_message_id] - epoch_ms(row.created_at) for row in f.rows[f.quiet]
             if row.provider_message_id in f.sends]
    probe_states = {}
    for row in f.rows[f.quiet]:
        probe_states[row.state] = probe_states.get(row.state, 0) + 1

    print(f"API: {f.accepted} dossiers accepted in {f.post_seconds:.1f} s = {f.accepted / f.post_seconds:,.1f} "
          f"events/s (POST /api/v1/dossiers, {args.clients} threads; {cpu_busy(*f.cpu[:2], f.accepted)}); "
          f"refused or failed: {len(f.poster.refused)}")
    for line in f.poster.refused[:5]:
        print(f"    {line}")
    if len(sent_ms) >= 2:
        first, last = min(sent_ms), max(sent_ms)
        span = (last - first) / 1000 or float("nan")
        rate = len(sent_ms) / span
        during = [s for s in sent_ms if s <= f.posted_ms]
        after = [s for s in sent_ms if s > f.drain_from_ms]
        print(f"delivery: {len(sent_ms)} of {f.expected} messages at the sandbox, first to last send {span:.1f} s "
              f"= {rate:,.1f} msg/s = {rate / f.ceiling['rate']:.1%} of the sandbox ceiling "
              f"({f.ceiling['rate']:,.0f} msg/s)")
        if during and not args.sequential:
            print(f"  while the API was taking dossiers: {len(during) / max((f.posted_ms - first) / 1000, 1e-3):,.1f}"
                  f" msg/s")
        if after:
            print(f"  after the posting: {len(after) / max((last - f.drain_from_ms) / 1000, 1e-3):,.1f} msg/s "
                  f"({cpu_busy(*f.cpu[2:], len(after))})")
        print(f"  from the first notice created: {len(sent_ms) / ((last - min(created_ms)) / 1000):,.1f} msg/s")
    print(f"  notice created -> sent at the sandbox: {latency_line(latencies)}"
          + ("  (includes the wait for the pipeline to start)" if args.sequential else ""))
    print(f"  delivery states: {states}, channels: {channels}"
          + ("" if f.drained else f"  NOT DRAINED within --max-seconds {args.max_seconds:.0f}"))
    for key, count in sorted(errors.items(), key=lambda kv: -kv[1])[:5]:
        print(f"    {count} x error {key}")
    targets(args, f, sent_ms)
    print(f"quiet province: {PROBE_EVENTS} notices posted 0.1 s apart with {f.at_probe} messages of "
          f"the others still to send: {latency_line(probe)}; states {probe_states}")
    return len(sent_ms) / ((max(sent_ms) - min(sent_ms)) / 1000) if len(sent_ms) >= 2 else None


def bulk_while_transactional(f: Figures) -> None:
    """With --bulk: the transactional notices posted while the news drained, and the news's own rate."""
    bulk = sorted(f.sends[row.provider_message_id] for slug in f.slugs for row in f.rows[slug]
                  if row.message_class == CLASS_BULK and row.provider_message_id in f.sends)
    rows = [row for slug in f.slugs for row in f.rows[slug] if row.message_class != CLASS_BULK
            and row.provider_message_id in f.sends and epoch_ms(row.created_at) >= f.probe_from_ms]
    probes = [f.sends[row.provider_message_id] - epoch_ms(row.created_at) for row in rows]
    if len(bulk) >= 2:
        print(f"  bulk (policy news) drained at {len(bulk) / ((bulk[-1] - bulk[0]) / 1000):,.0f} msg/s "
              f"({len(bulk)} messages)   target >= 1,500")
    print(f"  transactional notices created -> sent while the news drained: {latency_line(probes)}   "
          f"target p99 <= 1 s")
    if rows:
        print("    where it waited, p50 / p99: " + "; ".join(
            f"{name} {percentile(values, 0.5) / 1000:.2f} s / {percentile(values, 0.99) / 1000:.2f} s"
            for name, values in waits(rows, f.sends).items() if values))


def waits(rows: list, sends: dict) -> dict[str, list[float]]:
    """Milliseconds each row spent in each stage: waiting for the pump's claim, in the queue until a worker
    started its batch, and sending."""
    timed = [row for row in rows if row.claimed_at and row.sending_started_at]
    return {
        "created -> claimed (pump)": [epoch_ms(r.claimed_at) - epoch_ms(r.created_at) for r in timed],
        "claimed -> sending (queue, worker)": [epoch_ms(r.sending_started_at) - epoch_ms(r.claimed_at) for r in timed],
        "sending -> at the sandbox": [sends[r.provider_message_id] - epoch_ms(r.sending_started_at) for r in timed],
    }


def dialect_name() -> str:
    return "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite (WAL)"


TARGETS = {"sqlite": 1500, "postgresql": 2000}  # delivered msg/s, 34 provinces at 4,000/min (issue 11)


def targets(args, f: Figures, sent_ms: list) -> None:
    """Each figure next to its target (issue 11's table)."""
    if len(sent_ms) < 2:
        return
    rate = len(sent_ms) / ((max(sent_ms) - min(sent_ms)) / 1000 or float("nan"))
    cpu = f.cpu[2], f.cpu[3]
    ours_ms = (cpu[1][2] - cpu[0][2]) / os.sysconf("SC_CLK_TCK") * 1000 if cpu[0] and cpu[1] else float("nan")
    after = len([s for s in sent_ms if s > f.drain_from_ms]) or 1
    target = TARGETS["postgresql" if dialect_name() == "PostgreSQL" else "sqlite"]
    print(f"targets (issue 11), {dialect_name()}; sandbox ceiling {f.ceiling['rate']:,.0f} msg/s:")
    print(f"  delivered {rate:,.0f} msg/s                      target >= {target:,}")
    print(f"  CPU per delivered message {ours_ms / after:.2f} ms       target <= 0.75 ms")
    tick = os.sysconf("SC_CLK_TCK")
    print("    by process: " + ", ".join(f"{name} {jiffies / tick * 1000 / after:.2f} ms"
                                        for name, jiffies in sorted(f.roles.items()))
          + ("" if args.sequential else " (from the posting's start: the web's share is the API's)"))
    minus_32 = sum(1 for slug in f.slugs for row in f.rows[slug] if row.error_code == -32)
    if args.per_minute:
        shares, burst = [], burst_for(args.per_minute)
        for slug in f.slugs:
            mine = sorted(f.sends[row.provider_message_id] for row in f.rows[slug]
                          if row.provider_message_id in f.sends)
            if len(mine) > 2 * burst:  # the first burst goes at once: the rate is what follows it
                shares.append((len(mine) - burst) / ((mine[-1] - mine[0]) / 1000) / (args.per_minute / 60))
        if shares:
            print(f"  per-province rate vs its limit, after the first burst of {burst}: min {min(shares):.0%}, "
                  f"median {sorted(shares)[len(shares) // 2]:.0%}   target >= 95 %")
        else:
            print(f"  per-province rate vs its limit: n/a (a province needs more than twice its burst of {burst})")
    print(f"  -32 (Zalo's rate limit) answers: {minus_32}          target 0")
    if args.bulk:
        bulk_while_transactional(f)
    pump_seconds, alive = f.pump_cpu
    print(f"  the pump (one leader, from its first tick): {pump_seconds * 1000 / len(sent_ms):.2f} ms CPU per "
          f"delivered message, {pump_seconds / alive:.0%} of a core over {alive:.0f} s, "
          f"{pump_seconds * 1000 / (alive / args.pump_interval):.1f} ms per {args.pump_interval} s interval")


if __name__ == "__main__":
    main()
