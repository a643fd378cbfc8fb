"""One worker's hot path alone: CPU and wall time of `batch.deliver` per message, in this process, against the
Zalo sandbox in a process of its own (so its CPU is not counted here).

Seeds N provinces, each connected to its own sandbox OA with citizens who wrote today, and M dossiers per
province through the dossier service (each one notice, a transaction card, as the API would write it); then,
for each province, claims its notices as one batch (the pump's claim) and sends it with `batch.deliver`, the
function a `zalo-tx` job runs. Prints per batch and in all: messages, wall seconds, msg/s, this process's CPU per
message (every thread: the send threads included) and the sandbox's, and the SQL statements per batch. No RQ,
no pump loop, no API: what is left is the worker's own cost, the figure issue 11 asks to bring to ≤ 0.75 ms.

For a profile, run it under py-spy (the send threads included):
    py-spy record -r 200 -f raw -o /tmp/batch.txt -- python bench/delivery_batch.py

    python bench/delivery_batch.py [--provinces 4] [--rows 500] [--latency-ms 50] [--citizens 200]
"""

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from bench.support import SandboxProcess, stop_redis  # noqa: E402
from platform_core import create_app  # noqa: E402
from platform_core.db.tenant_context import tenant_context  # noqa: E402
from platform_core.db.types import utcnow  # noqa: E402
from platform_core.delivery import batch, pump  # noqa: E402
from platform_core.delivery.constants import CLASS_TX  # noqa: E402
from platform_core.dossiers.schemas import DossierInput  # noqa: E402
from platform_core.dossiers.service import create_dossier  # noqa: E402
from platform_core.extensions import db  # noqa: E402
from platform_core.heap import settle  # noqa: E402
from platform_core.jobs.embedded_redis import start_server  # noqa: E402
from tests.conftest import make_test_config  # noqa: E402
from tests.migrated_sqlite import migrated_sqlite  # noqa: E402
from tests.pipeline.stack import Stack, add_province  # noqa: E402
from tests.zalo_sandbox_fixtures import ZaloSandbox  # noqa: E402

PROCEDURE = "1.004222"  # the procedure add_province gives every province


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=4)
    parser.add_argument("--rows", type=int, default=500, help="dossier notices per province (one batch each)")
    parser.add_argument("--citizens", type=int, default=200, help="per province; dossiers go to them in turn")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2,
                        help="batches per province; the first round makes each province's first template version "
                             "(once in a province's life), so the later rounds are the steady state")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="motcua-bench-batch-") as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = start_server(workdir / "redis")
        sandbox_process = SandboxProcess(args.latency_ms)
        try:
            run(args, workdir, redis_url, sandbox_process)
        finally:
            sandbox_process.stop()
            stop_redis(redis_process)


def run(args, workdir: Path, redis_url: str, sandbox_process: SandboxProcess) -> None:
    sandbox = ZaloSandbox(sandbox_process)
    sandbox.settings(receipt_delay_ms=None, echo_sends=False)
    database = migrated_sqlite(workdir / "batch.sqlite3")
    zalo = {"ZALO_OAUTH_URL": sandbox.oauth_url, "ZALO_OPENAPI_URL": sandbox.openapi_url,
            "ZALO_BUSINESS_URL": sandbox.business_url}
    config = make_test_config({"owner": database, "runtime": database, "dialect": "sqlite"}, redis_url,
                              workdir / "instance")
    app = create_app(config | zalo | {"SQLITE_IMMEDIATE_TRANSACTIONS": True, "TESTING": False})
    stack = Stack(app=app, url="http://127.0.0.1:9", env={})
    provinces = [add_province(stack, sandbox, f"bench-{n + 1}", f"Tỉnh Bench {n + 1}")
                 for n in range(args.provinces)]
    with app.app_context():
        for province in provinces:
            seed(province, sandbox, args.citizens, args.rows * args.rounds)
        settle()  # as a worker does once its app is built (platform_core/heap.py)
        print(f"bench/delivery_batch.py: SQLite (WAL), bundled Redis, sandbox in its own process at "
              f"{args.latency_ms} ms; {args.provinces} provinces x {args.rows} notices, one batch each; "
              f"load average {os.getloadavg()[0]:.1f}")
        for round_ in range(1, args.rounds + 1):
            totals = [0, 0.0, 0.0, 0.0]
            for province in provinces:
                sent, wall, cpu, sandbox_cpu, statements = send_one_batch(province, sandbox_process, args.rows)
                if args.provinces <= 8:
                    print(f"  round {round_}, {province.slug}: {sent} sent in {wall:.2f} s = {sent / wall:,.0f} msg/s; "
                          f"CPU per message {cpu * 1000 / max(sent, 1):.2f} ms here, "
                          f"{sandbox_cpu * 1000 / max(sent, 1):.2f} ms in the sandbox; {statements} SQL statements")
                for index, value in enumerate((sent, wall, cpu, sandbox_cpu)):
                    totals[index] += value
            sent, wall, cpu, sandbox_cpu = totals
            print(f"round {round_}{' (first template versions made)' if round_ == 1 else ''}: {sent} sent, "
                  f"{sent / wall:,.0f} msg/s while sending; CPU per message {cpu * 1000 / max(sent, 1):.2f} ms "
                  f"(all processes' target <= 0.75 ms), {cpu * 1000 / args.provinces:.1f} ms per batch; sandbox "
                  f"{sandbox_cpu * 1000 / max(sent, 1):.2f} ms per message")
        db.engine.dispose()


def seed(province, sandbox: ZaloSandbox, citizens: int, rows: int) -> None:
    users = sandbox.add_users(province.oa_id, citizens, last_interaction="now")
    now = datetime.now(UTC)
    with tenant_context(province.ref):
        for n in range(rows):
            create_dossier(DossierInput().load({
                "code": f"H{province.slug[6:]}.BATCH-{n:06d}", "procedure_code": PROCEDURE, "status": "received",
                "channel": 2, "applicant": {"name": f"Nguyễn Văn {n:04d}", "phone": f"09{n % 10**8:08d}",
                                            "zalo_user_id": users[n % citizens]},
                "received_at": (now - timedelta(hours=1)).isoformat(timespec="seconds"),
                "due_at": (now + timedelta(days=7)).isoformat(timespec="seconds")}))
            if n % 100 == 99:
                db.session.commit()
        db.session.commit()
    db.session.remove()


def send_one_batch(province, sandbox_process: SandboxProcess, rows: int) -> tuple:
    token = uuid.uuid4().hex
    with tenant_context(province.ref):
        pump.claim(token, CLASS_TX, rows, utcnow())
    statements = []

    def count(*_):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    sandbox_before, cpu_before, started = sandbox_process.cpu_seconds(), time.process_time(), time.perf_counter()
    with tenant_context(province.ref):
        states = batch.deliver(token)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    sandbox_cpu = sandbox_process.cpu_seconds() - sandbox_before
    event.remove(db.engine, "before_cursor_execute", count)
    db.session.remove()
    return states.get("sent", 0), wall, cpu, sandbox_cpu, len(statements)


if __name__ == "__main__":
    main()
