"""The load test of tests/pipeline/test_webhook_burst.py at full size (issue 12, "What it must show"): 10,000
signed webhook events for three provinces at once, over loopback, while deliveries run, with `make run`'s
processes (two workers, the maintenance worker, the scheduler, the pump) and a quiet province's citizen writing
in the middle of it. Prints what the test asserts: events stored, waiting, failed, out of order, answered once
each; when the quiet citizen was answered; the longest time without the 5-second maintenance sweep; and the
machine's load average (the machine is shared). On SQLite, or on PostgreSQL with DATABASE_URL=postgresql://...
(a fresh database on that server, dropped afterwards). Prints figures, asserts nothing.

    python bench/webhook_burst.py [--events 10000] [--max-seconds 900] [--latency-ms 20]
"""

import argparse
import contextlib
import logging
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import redis_and_sandbox  # noqa: E402
from tests.pipeline.burst import run_burst  # noqa: E402
from tests.pipeline.stack import running_stack, stack_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--max-seconds", type=float, default=900, help="for the processing and the answers")
    parser.add_argument("--latency-ms", type=int, default=20, help="sandbox latency on every Zalo call")
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the stack's web server logs every request
    load_start = os.getloadavg()
    dialect = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    with tempfile.TemporaryDirectory(prefix="motcua-bench-burst-") as tmp, contextlib.ExitStack() as cleanup:
        workdir = Path(tmp)
        redis_url, sandbox = redis_and_sandbox(cleanup, workdir, args.latency_ms)
        database = cleanup.enter_context(stack_database(workdir))
        stack = cleanup.enter_context(running_stack(workdir, redis_url, sandbox, database))
        figures = run_burst(stack, sandbox, redis_url, args.events - args.events % 2, args.max_seconds)
    answered = sum(figures.answers.values())
    print(f"bench/webhook_burst.py: {figures.events} events for 3 provinces, {dialect}, sandbox latency "
          f"{args.latency_ms} ms; load average {load_start[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
          f"on {os.cpu_count()} cores")
    print(f"  {figures.summary()}")
    print(f"  answers at the sandbox: {answered} for {len(figures.answers)} citizens (expected 2 each: "
          f"{sum(1 for n in figures.answers.values() if n != 2)} citizens with another count)")


if __name__ == "__main__":
    main()
