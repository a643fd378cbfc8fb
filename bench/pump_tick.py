"""The delivery pump's own cost: CPU and SQL statements of one `pump.tick()`, in this process, on a temporary
SQLite database and the bundled Redis (both stopped or removed at the end). No worker runs: the claims are
given back between ticks, so that every measured tick claims again.

- claiming: N provinces with --rows replies due each, every tick claims a batch for each of them (limits high
  enough never to bind), and enqueues N jobs;
- at the cap: every province holds its two batches in flight, so a tick reads and claims nothing.

This is what stays single when the engine runs on several machines (the pump's leader): README, "Scaling past
one machine". Prints figures, asserts nothing.

    python bench/pump_tick.py [--tenants 34] [--rows 200] [--ticks 50]
"""

import argparse
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, update  # noqa: E402

from platform_core import create_app  # noqa: E402
from platform_core.db.cross_tenant import cross_tenant, record_standing_access  # noqa: E402
from platform_core.db.tenant_context import TenantRef, tenant_context  # noqa: E402
from platform_core.delivery import pump  # noqa: E402
from platform_core.delivery.constants import MESSAGE_CLASSES  # noqa: E402
from platform_core.delivery.models import Delivery  # noqa: E402
from platform_core.delivery.policy import set_limits  # noqa: E402
from platform_core.extensions import db  # noqa: E402
from platform_core.jobs.decorators import open_queue  # noqa: E402
from platform_core.jobs.embedded_redis import start_server  # noqa: E402
from platform_core.jobs.queues import QUEUE_ZALO_TX  # noqa: E402
from tests import factories  # noqa: E402
from tests.conftest import make_test_config  # noqa: E402
from tests.delivery.support import queue_replies  # noqa: E402
from tests.migrated_sqlite import migrated_sqlite  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=34)
    parser.add_argument("--rows", type=int, default=200, help="replies due per province")
    parser.add_argument("--ticks", type=int, default=50, help="ticks measured per case")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="motcua-bench-pump-") as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = start_server(workdir / "redis")
        try:
            database = migrated_sqlite(workdir / "pump.sqlite3")
            config = make_test_config({"owner": database, "runtime": database, "dialect": "sqlite"}, redis_url,
                                      workdir / "instance")
            app = create_app(config | {"SQLITE_IMMEDIATE_TRANSACTIONS": True})
            with app.app_context():
                seed(args.tenants, args.rows)
                print(f"bench/pump_tick.py: SQLite (WAL), bundled Redis, {args.tenants} provinces x {args.rows} "
                      f"replies due; load average {os.getloadavg()[0]:.1f}")
                for label, give_back in (("claiming for every province", True),
                                         ("every province at its in-flight cap", False)):
                    cpu, statements, claimed = measure(args.ticks, give_back)
                    print(f"  {label}: {cpu * 1000:.1f} ms CPU per tick, {statements} SQL statements; "
                          f"claimed {claimed}")
                db.engine.dispose()
        finally:
            redis_process.terminate()
            redis_process.wait(timeout=10)


def seed(tenants: int, rows: int) -> None:
    for n in range(tenants):
        tenant = factories.create_tenant(f"bench-{n + 1}", f"Tỉnh Bench {n + 1}")
        with tenant_context(TenantRef(tenant.id, tenant.slug)):
            for message_class in MESSAGE_CLASSES:
                set_limits(message_class, per_minute=4000, burst=10**6)  # never binds here
        queue_replies(tenant, rows)
        db.session.commit()
    record_standing_access(pump.PUMP_ACCESS)
    db.session.commit()


def give_claims_back() -> None:
    with cross_tenant("bench: give the claims back", audit=False):
        db.session.execute(update(Delivery).values(claim_token=None, claimed_at=None))
        db.session.commit()
    open_queue(QUEUE_ZALO_TX).empty()


def measure(ticks: int, give_back: bool) -> tuple[float, int, dict]:
    """CPU seconds per tick and the statements of the last tick; without `give_back`, two warm-up ticks fill
    every province's in-flight cap first."""
    give_claims_back()
    pump.tick()
    pump.tick()
    cpu, seen, claimed = 0.0, [], {}

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    for rotation in range(ticks):
        if give_back:
            give_claims_back()
        seen.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        started = time.process_time()
        claimed = pump.tick(rotation)
        cpu += time.process_time() - started
        event.remove(db.engine, "before_cursor_execute", count)
    return cpu / ticks, len(seen), claimed


if __name__ == "__main__":
    main()
