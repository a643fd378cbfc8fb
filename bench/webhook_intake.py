"""Webhook acknowledgements and the bot's answers, with the whole pipeline running (issue 11 item 4).

Starts the bundled Redis, the Zalo sandbox (in a thread, --latency-ms on every Zalo call), a temporary SQLite
database (with DATABASE_URL=postgresql://..., a fresh database on that server, as bench/delivery.py) with N live
provinces connected to their sandbox OAs, gunicorn (2 sync workers, as `make run`),
K `flask worker` and the `flask delivery pump` (whose leader also claims the stored events, zalo/intake.py).
Then, with signed `user_send_text` events ("xin chào": the bot answers each with a consultation message):

1. steady: --connections client threads (8) post events from distinct citizens for --seconds;
2. burst: --burst citizens (2,000, spread over the provinces) write at once, posted by --burst-connections
   threads as fast as the server takes them;
3. waits until every answer is at the sandbox (or --max-seconds pass).

Prints the acknowledgement p50/p99 of each phase and the bot's answer p50/p99 (from the POST to the sandbox
recording the reply) next to issue 11's targets (ack p99 <= 20 ms at 8 connections, <= 100 ms in a 2,000-citizen
burst; answer p99 <= 2 s), the web processes' CPU per event, and the machine's load average (the machine is
shared: a loaded machine shows for what it is), and the CPU per event of the web processes and of the workers
and the pump (the bot's batches; steadier than wall time on a shared machine). Prints figures, asserts nothing.

    python bench/webhook_intake.py [--tenants 3] [--seconds 10] [--burst 2000] [--workers 2] [--latency-ms 50]
"""

import argparse
import contextlib
import itertools
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.delivery import (  # noqa: E402
    build,
    dialect_name,
    percentile,
    start_delivery,
    start_web,
    stop_stack,
    tree_jiffies,
    wait_ready,
)
from bench.dossier_intake import children_cpu  # noqa: E402
from bench.support import redis_and_sandbox  # noqa: E402
from platform_core.delivery.models import Delivery, Notification  # noqa: E402
from platform_core.delivery.outbox import BOT_REPLY  # noqa: E402
from platform_core.jobs.embedded_redis import free_port  # noqa: E402
from platform_core.zalo.models import ZaloEvent  # noqa: E402
from platform_core.zalo.webhooks import expected_signature  # noqa: E402
from tests.pipeline.stack import add_province, stack_database  # noqa: E402
from tests.zalo_sandbox_fixtures import ZaloSandbox  # noqa: E402

TARGET_STEADY_MS, TARGET_BURST_MS, TARGET_ANSWER_S = 20, 100, 2.0


class Citizen:
    """One citizen writing once to their province's OA: what the bench posts and when."""

    def __init__(self, slug: str, app, user_id: str, serial: int):
        self.slug, self.app, self.user_id, self.serial = slug, app, user_id, serial
        self.posted_ms: float | None = None
        self.ack_ms: float | None = None
        self.status: int | None = None

    def signed(self) -> tuple[bytes, dict]:
        body = {"app_id": self.app.app_id, "sender": {"id": self.user_id}, "recipient": {"id": self.app.oa_id},
                "event_name": "user_send_text", "message": {"text": "xin chào", "msg_id": f"bench-{self.serial}"},
                "timestamp": str(int(time.time() * 1000))}
        raw = json.dumps(body, ensure_ascii=False).encode()
        mac = expected_signature(self.app.app_id, raw, body["timestamp"], self.app.oa_secret_key)
        return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


def post_all(url: str, citizens: list[Citizen], threads: int, seconds: float | None = None) -> float:
    """Post each citizen's event from `threads` threads (each its own keep-alive client); with `seconds`, stop
    taking new ones then. Returns the wall time."""
    work, lock = iter(citizens), threading.Lock()
    end = time.monotonic() + seconds if seconds else float("inf")

    def loop() -> None:
        with httpx.Client(base_url=url, timeout=60) as client:
            while time.monotonic() < end:
                with lock:
                    citizen = next(work, None)
                if citizen is None:
                    return
                raw, headers = citizen.signed()
                citizen.posted_ms, started = time.time() * 1000, time.perf_counter()
                answer = client.post(f"/zalo/webhook/{citizen.slug}", content=raw, headers=headers)
                citizen.ack_ms, citizen.status = (time.perf_counter() - started) * 1000, answer.status_code

    started = time.perf_counter()
    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


def answers(sandbox: ZaloSandbox, oa_ids: set[str]) -> dict[tuple[str, str], int]:
    """(oa id, user id) -> when the sandbox recorded the first consultation message to them (its clock, ms)."""
    with sandbox.state.lock:
        sent: dict[tuple[str, str], int] = {}
        for message in sandbox.state.messages.values():
            if message.oa_id in oa_ids and message.kind == "cs":
                key = (message.oa_id, message.user_id)
                sent[key] = min(sent.get(key, message.sent_ms), message.sent_ms)
    return sent


def ack_line(name: str, posted: list[Citizen], seconds: float, target_ms: float) -> str:
    acked = [c.ack_ms for c in posted if c.status == 200]
    if not acked:
        return f"  {name}: nothing acknowledged"
    other = len(posted) - len(acked)
    return (f"  {name}: {len(acked)} events in {seconds:.1f} s ({len(acked) / seconds:,.0f}/s), ack p50 "
            f"{percentile(acked, 0.5):.1f} ms, p99 {percentile(acked, 0.99):.1f} ms, max {max(acked):.0f} ms "
            f"(target p99 <= {target_ms} ms){f'; {other} not 200' if other else ''}")


def answer_line(name: str, posted: list[Citizen], sent: dict) -> str:
    waits = [(sent[(c.app.oa_id, c.user_id)] - c.posted_ms) / 1000 for c in posted
             if (c.app.oa_id, c.user_id) in sent]
    if not waits:
        return f"  bot answer, {name}: none reached the sandbox"
    return (f"  bot answer, {name}: {len(waits)} of {len(posted)} answered, p50 {percentile(waits, 0.5):.2f} s, "
            f"p99 {percentile(waits, 0.99):.2f} s, max {max(waits):.2f} s (target p99 <= {TARGET_ANSWER_S} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8, help="client threads of the steady phase")
    parser.add_argument("--seconds", type=float, default=10, help="length of the steady phase")
    parser.add_argument("--burst", type=int, default=2000, help="citizens writing at once")
    parser.add_argument("--burst-connections", type=int, default=32, help="client threads posting the burst")
    parser.add_argument("--workers", type=int, default=2, help="`flask worker` processes")
    parser.add_argument("--latency-ms", type=int, default=50, help="sandbox latency on every Zalo call")
    parser.add_argument("--pump-interval", type=float, default=0.2)
    parser.add_argument("--max-seconds", type=float, default=120, help="wait for the answers this long at most")
    args = parser.parse_args()
    args.simple = False  # bench/delivery.py's start_delivery reads it
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-webhook-") as tmp, contextlib.ExitStack() as cleanup:
        workdir = Path(tmp)
        redis_url, sandbox = redis_and_sandbox(cleanup, workdir, args.latency_ms)
        postgres = cleanup.enter_context(stack_database(workdir))  # None unless DATABASE_URL=postgresql://...
        stack = build(workdir, redis_url, sandbox, free_port(), postgres)
        cleanup.callback(stop_stack, stack)
        provinces = [add_province(stack, sandbox, f"bench-{n + 1}", f"Tỉnh Bench {n + 1}") for n in range(args.tenants)]
        apps = [sandbox.state.apps[province.app_id] for province in provinces]
        pool = int(args.seconds * 300)  # steady citizens per province: more than the server takes in the time
        per_province = (args.burst + args.tenants - 1) // args.tenants + pool
        users = {app.app_id: sandbox.add_users(app.app_id, per_province, last_interaction="now") for app in apps}
        serial = itertools.count()
        steady = [Citizen(province.slug, app, users[app.app_id][n], next(serial))
                  for n in range(pool) for province, app in zip(provinces, apps, strict=True)]
        burst = [Citizen(provinces[n % args.tenants].slug, apps[n % args.tenants],
                         users[apps[n % args.tenants].app_id][pool + n // args.tenants], next(serial))
                 for n in range(args.burst)]
        start_web(stack, workdir)
        start_delivery(stack, workdir, args)
        wait_ready(stack, redis_url, args)
        web = stack.processes["web"][0].pid

        cpu, background_cpu = children_cpu(web), background_seconds(stack)
        steady_seconds = post_all(stack.url, steady, args.connections, args.seconds)
        steady = [c for c in steady if c.status is not None]
        burst_seconds = post_all(stack.url, burst, args.burst_connections)
        web_cpu = children_cpu(web) - cpu
        oa_ids = {app.oa_id for app in apps}
        expected = len(steady) + len(burst)
        deadline = time.monotonic() + args.max_seconds
        while len(answers(sandbox, oa_ids)) < expected and time.monotonic() < deadline:
            time.sleep(0.25)
        sent = answers(sandbox, oa_ids)
        background_cpu = background_seconds(stack) - background_cpu
        load_end = os.getloadavg()
        stages = where_the_wait_goes(stack, provinces)

    print(f"bench/webhook_intake.py: {args.tenants} provinces, gunicorn 2 sync workers, {args.workers} `flask "
          f"worker`, pump every {args.pump_interval} s, {dialect_name()}, bundled Redis, sandbox latency "
          f"{args.latency_ms} ms")
    print(f"  load average {load_start[0]:.1f} at the start, {load_end[0]:.1f} at the end, on {os.cpu_count()} "
          f"cores (the machine is shared: other sessions' load slows every figure)")
    print(ack_line(f"steady, {args.connections} connections", steady, steady_seconds, TARGET_STEADY_MS))
    print(ack_line(f"burst of {args.burst} citizens, {args.burst_connections} connections", burst, burst_seconds,
                   TARGET_BURST_MS))
    print(answer_line("steady", steady, sent))
    print(answer_line("burst", burst, sent))
    for stage, waits in stages.items():
        if waits:
            print(f"  {stage}: p50 {percentile(waits, 0.5):.2f} s, p99 {percentile(waits, 0.99):.2f} s")
    events = max(1, len(steady) + len(burst))
    print(f"  CPU per event: web {web_cpu / events * 1000:.2f} ms, workers and pump "
          f"{background_cpu / events * 1000:.2f} ms (the bot's batches and the answers' delivery); {len(sent)} of "
          f"{expected} citizens answered")


def where_the_wait_goes(stack, provinces) -> dict[str, list[float]]:
    """For every answered event, in seconds, read from the database: stored to processed (the intake's claim,
    the queue, the bot's batch), and the answer written to sent (the pump's claim, the queue, the sender)."""
    processing, delivering = [], []
    for province in provinces:
        with stack.reading(province.slug) as session:
            processing += [(done - stored).total_seconds() for stored, done in session.execute(
                select(ZaloEvent.received_at, ZaloEvent.processed_at).where(ZaloEvent.processed_at.is_not(None)))]
            delivering += [(sent - written).total_seconds() for written, sent in session.execute(
                select(Notification.created_at, Delivery.sent_at)
                .join(Delivery, Delivery.notification_id == Notification.id)
                .where(Notification.event_kind == BOT_REPLY, Delivery.sent_at.is_not(None)))]
    return {"event stored -> processed (intake, queue, bot)": processing,
            "answer written -> sent (pump, queue, sender)": delivering}


def background_seconds(stack) -> float:
    """CPU seconds of the workers and the pump (with their children), from /proc, while they run."""
    pids = [process.pid for name in ("worker", "pump") for process in stack.processes.get(name, [])]
    return sum(tree_jiffies(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
