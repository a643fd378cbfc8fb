"""How long planning a 100,000-follower broadcast takes, and the memory it needs.

Builds the app against a temporary SQLite database (and, when DATABASE_URL=postgresql://... is set, against a
scratch database `motcua_bench_broadcast` on that server, migrated as the given owner and written as the
runtime role motcua_app, so row-level security is in force), seeds N followers for one live province (in
batches, not timed), then plans one broadcast to all of them exactly as the planning job does
(platform_core.broadcasts.planning.plan: chunks of PLAN_CHUNK followers in id order, each chunk's deliveries and
promotion-ledger rows bulk-inserted and the cursor saved in one transaction).

Prints planning time, rows/s (deliveries + ledger rows), chunks, and memory: the process's peak RSS before and
after planning (resource.getrusage), and with --trace the peak of Python allocations during planning
(tracemalloc; it slows planning down, so the time printed then is not the figure to quote). The daily cap is
Zalo's rule (5% of followers above 10,000) unless --cap is given: with it, 100,000 followers spread over 20 days.

    python bench/broadcast_plan.py [--followers 100000] [--cap 1000000] [--trace]
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import String, cast, create_engine, func, literal, make_url, select  # noqa: E402

from platform_core import create_app  # noqa: E402
from platform_core.auth.models import Membership, User  # noqa: E402
from platform_core.broadcasts import planning, service  # noqa: E402
from platform_core.broadcasts.constants import PLAN_CHUNK  # noqa: E402
from platform_core.broadcasts.models import PromotionLedger  # noqa: E402
from platform_core.citizens.consent import NOTICE_VERSION  # noqa: E402
from platform_core.citizens.constants import METHOD_ZALO_BUTTON, PURPOSE_NEWS  # noqa: E402
from platform_core.citizens.models import Consent  # noqa: E402
from platform_core.config import normalise_database_url  # noqa: E402
from platform_core.db.migrations import upgrade  # noqa: E402
from platform_core.db.session import scoped_for_insert  # noqa: E402
from platform_core.db.sql_ids import new_id_sql  # noqa: E402
from platform_core.db.tenant_context import TenantRef, tenant_context  # noqa: E402
from platform_core.db.types import utcnow  # noqa: E402
from platform_core.delivery.constants import CLASS_BULK  # noqa: E402
from platform_core.delivery.models import Delivery  # noqa: E402
from platform_core.delivery.policy import set_limits  # noqa: E402
from platform_core.extensions import db  # noqa: E402
from platform_core.tenancy.models import Tenant  # noqa: E402
from platform_core.zalo.models import Follower  # noqa: E402

BENCH_DB = "motcua_bench_broadcast"
SEED_BATCH = 100_000
TARGETS = {100_000: 3.0, 1_000_000: 45.0}  # seconds, issue 11


def build_app(runtime_url: str, owner_url: str, instance: Path):
    return create_app({
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "bench",
        "ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
        "SQLALCHEMY_DATABASE_URI": runtime_url,
        "DATABASE_OWNER_URL": owner_url,
        # Never contacted here; set so that create_app does not start a bundled Redis for this process.
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PROMOTION_HOURS": "0-24",  # every delivery due at once, whatever the hour the benchmark runs
    })


def seed(followers: int, cap: int | None) -> tuple[TenantRef, list[User]]:
    tenant = Tenant(slug="bench-news", name="Bench News", status="live")
    db.session.add(tenant)
    db.session.flush()
    admins = [User(email=f"admin{n}@bench.test", full_name=f"Admin {n}", password_hash="x") for n in (1, 2)]
    db.session.add_all(admins)
    db.session.flush()
    db.session.add_all(Membership(user_id=admin.id, tenant_id=tenant.id, role="admin") for admin in admins)
    ref = TenantRef(tenant.id, tenant.slug)
    with tenant_context(ref):
        if cap is not None:
            set_limits(CLASS_BULK, per_minute=600, burst=20, daily_cap=cap)
        for start in range(0, followers, SEED_BATCH):
            seed_followers(start, min(start + SEED_BATCH, followers))
            db.session.commit()
        db.session.execute(scoped_for_insert(
            Consent, ["id", "zalo_user_id", "purpose", "method", "notice_version"],
            select(new_id_sql(), Follower.zalo_user_id, literal(PURPOSE_NEWS), literal(METHOD_ZALO_BUTTON),
                   literal(NOTICE_VERSION))))
    db.session.commit()
    return ref, admins


def seed_followers(start: int, end: int) -> None:
    """Followers number start..end-1 (Zalo user ids of 19 digits), written by the database itself."""
    numbers = select(literal(start).label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < end - 1))
    digits = (func.printf("%019d", numbers.c.n) if db.session.get_bind().dialect.name == "sqlite"
              else func.lpad(cast(numbers.c.n, String), 19, "0"))
    db.session.execute(scoped_for_insert(Follower, ["id", "zalo_user_id", "is_follower"],
                                         select(new_id_sql(), digits, literal(True)).select_from(numbers)))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def measure(label: str, followers: int, cap: int | None, trace: bool, analyze=None) -> None:
    """`analyze()`, when given, refreshes the planner's statistics after seeding, as autovacuum would have done
    in production long before a province has 100,000 followers."""
    seeded = time.perf_counter()
    ref, (author, approver) = seed(followers, cap)
    if analyze:
        analyze()
    seeded = time.perf_counter() - seeded
    with tenant_context(ref):
        broadcast = service.create(service.Draft(title="Tin chính sách", body="Nội dung " * 50,
                                                 article_url="https://example.gov.vn/tin", audience={"kind": "all"}),
                                   author)
        service.submit(broadcast, author)
        service.approve(broadcast, approver, utcnow())
        service.send_now(broadcast, approver, utcnow())
        db.session.commit()
        rss_before = peak_rss_mb()
        if trace:
            tracemalloc.start()
        started, cpu = time.perf_counter(), time.process_time()
        chunks = planning.plan(broadcast.id)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        traced_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else None
        if trace:
            tracemalloc.stop()
        rss_after = peak_rss_mb()
        deliveries = db.session.scalar(select(func.count()).select_from(Delivery))
        ledger = db.session.scalar(select(func.count()).select_from(PromotionLedger))
        days = db.session.scalar(select(func.count(func.distinct(PromotionLedger.local_date))))
        db.session.rollback()
    rows = deliveries + ledger
    print(f"\n{label}: {followers:,} followers (seeded in {seeded:.1f} s), chunks of {PLAN_CHUNK}")
    target = TARGETS.get(followers)
    print(f"  planning: {seconds:.2f} s for {chunks} chunks ({seconds / max(chunks, 1) * 1000:.0f} ms/chunk)"
          + (f", target <= {target:.0f} s" if target else "") + f"; this process's CPU {cpu:.2f} s (the database "
          f"server's, on PostgreSQL, not counted); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  rows: {deliveries:,} deliveries + {ledger:,} ledger rows = {rows:,} ({rows / seconds:,.0f} rows/s, "
          f"{followers / seconds:,.0f} followers/s), spread over {days} day(s)")
    print(f"  memory: peak RSS {rss_before:.0f} MB before planning, {rss_after:.0f} MB after "
          f"(+{rss_after - rss_before:.0f} MB)" + (f"; Python allocations peak {traced_peak:.1f} MB (tracemalloc, "
                                                      "which slows the planning above)" if trace else ""))


def run_sqlite(args, followers: int) -> None:
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = build_app(url, url, Path(tmp) / "instance")
        with app.app_context():
            upgrade()
            measure("SQLite", followers, args.cap, args.trace)
            db.session.remove()
            db.engine.dispose()


def analyze_as_owner(owner) -> None:
    """ANALYZE needs the tables' owner (the runtime role may not)."""
    engine = create_engine(owner, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE zalo_follower, consent")
    engine.dispose()


def run_postgres(args, given: str, followers: int) -> None:
    server = make_url(normalise_database_url(given))
    admin = create_engine(server, isolation_level="AUTOCOMMIT")

    def recreate(create: bool) -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            if create:
                connection.exec_driver_sql(f"CREATE DATABASE {BENCH_DB}")

    recreate(True)
    owner = server.set(database=BENCH_DB)
    runtime = owner.set(username=os.environ.get("DATABASE_APP_ROLE", "motcua_app"),
                        password=os.environ.get("DATABASE_APP_PASSWORD"))
    try:
        with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
            app = build_app(runtime.render_as_string(hide_password=False),
                            owner.render_as_string(hide_password=False), Path(tmp) / "instance")
            with app.app_context():
                upgrade()
                measure(f"PostgreSQL as {runtime.username} (RLS on)", followers, args.cap, args.trace,
                        analyze=lambda: analyze_as_owner(owner))
                db.session.remove()
                db.engine.dispose()
    finally:
        recreate(False)
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Planning a broadcast to many followers")
    parser.add_argument("--followers", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--cap", type=int, default=None,
                        help="the province's daily bulk cap (default: Zalo's rule, 5%% of followers above 10,000)")
    parser.add_argument("--trace", action="store_true", help="also trace Python allocations (slower)")
    args = parser.parse_args()

    print("bench/broadcast_plan.py: planning one broadcast to every follower of a province")
    given = os.environ.get("DATABASE_URL", "")
    for followers in args.followers:
        run_sqlite(args, followers)
        if given.startswith(("postgresql", "postgres")):
            run_postgres(args, given, followers)
    if not given.startswith(("postgresql", "postgres")):
        print("\n(PostgreSQL: set DATABASE_URL=postgresql://user@host/db to measure it too, with RLS)")


if __name__ == "__main__":
    main()
