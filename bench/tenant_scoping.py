"""What the ORM tenant scoping costs per query.

Builds the app against a temporary SQLite database (and, when DATABASE_URL=postgresql://... is set, against a
scratch database `motcua_bench` on that server, migrated as the given owner and queried as the runtime role
motcua_app, so row-level security is in force), seeds N procedures for each of two tenants, then times M
queries of two shapes:

- scoped: inside a tenant context, the session adds `tenant_id = <tenant>` (with_loader_criteria);
- bypassed: inside `cross_tenant("bench")`, no automatic criteria; the query names the tenant by hand, so both
  variants run the same SQL and the difference is the scoping machinery itself.

Best of a few alternating rounds; bounded by --max-seconds per database. Prints figures, asserts nothing.

    python bench/tenant_scoping.py [--procedures 500] [--queries 3000] [--rounds 3] [--max-seconds 60]
"""

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import create_engine, make_url, select  # noqa: E402

from platform_core import create_app  # noqa: E402
from platform_core.catalogue.models import Procedure  # noqa: E402
from platform_core.config import normalise_database_url  # noqa: E402
from platform_core.db.cross_tenant import cross_tenant  # noqa: E402
from platform_core.db.migrations import upgrade  # noqa: E402
from platform_core.db.tenant_context import TenantRef, tenant_context  # noqa: E402
from platform_core.extensions import db  # noqa: E402
from platform_core.tenancy.models import Tenant  # noqa: E402

BENCH_DB = "motcua_bench"


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
    })


def seed(procedures: int) -> list[TenantRef]:
    refs = []
    for slug, name in (("bench-a", "Bench A"), ("bench-b", "Bench B")):
        tenant = Tenant(slug=slug, name=name, status="live")
        db.session.add(tenant)
        db.session.flush()
        ref = TenantRef(tenant.id, tenant.slug)
        with tenant_context(ref):
            db.session.add_all(
                Procedure(code=f"{i // 1000}.{i % 1000:06d}", name=f"Thủ tục {slug} {i:05d}", field="Hộ tịch",
                          level="xa", agency="UBND cấp xã", online_level="mot_phan")
                for i in range(procedures)
            )
            db.session.flush()
        refs.append(ref)
    db.session.commit()
    return refs


def timed(run_one: Callable[[int], object], count: int, deadline: float) -> tuple[int, float]:
    done = 0
    start = time.perf_counter()
    while done < count:
        for i in range(done, min(done + 100, count)):
            run_one(i)
        done = min(done + 100, count)
        if time.monotonic() > deadline:
            break
    return done, time.perf_counter() - start


def measure(label: str, tenant: TenantRef, procedures: int, queries: int, rounds: int, budget: float) -> None:
    codes = [f"{i // 1000}.{i % 1000:06d}" for i in range(procedures)]
    shapes = {
        "point lookup (by code)": lambda extra: lambda i: db.session.scalars(
            select(Procedure).where(Procedure.code == codes[i % len(codes)], *extra)
        ).one(),
        "page of 20 (order by name)": lambda extra: lambda i: db.session.scalars(
            select(Procedure).where(*extra).order_by(Procedure.name).offset((i * 20) % len(codes)).limit(20)
        ).all(),
    }
    by_hand = (Procedure.tenant_id == tenant.id,)
    deadline = time.monotonic() + budget
    print(f"\n{label}: {procedures} procedures x 2 tenants, {queries} queries per variant, best of {rounds} rounds")
    for shape, make in shapes.items():
        scoped_query, bypass_query = make(()), make(by_hand)
        best = {"scoped": (0, float("inf")), "bypassed": (0, float("inf"))}
        for _ in range(rounds):
            with tenant_context(tenant):
                timed(scoped_query, 50, deadline)  # warm caches
                n, seconds = timed(scoped_query, queries, deadline)
                db.session.rollback()
            if n and seconds / n < best["scoped"][1] / max(best["scoped"][0], 1):
                best["scoped"] = (n, seconds)
            with cross_tenant("bench"):
                timed(bypass_query, 50, deadline)
                n, seconds = timed(bypass_query, queries, deadline)
                db.session.rollback()  # also drops the audit event cross_tenant() recorded
            if n and seconds / n < best["bypassed"][1] / max(best["bypassed"][0], 1):
                best["bypassed"] = (n, seconds)
            if time.monotonic() > deadline:
                break
        us = {name: seconds / n * 1e6 for name, (n, seconds) in best.items()}
        overhead = us["scoped"] - us["bypassed"]
        print(f"  {shape}")
        for name, (n, seconds) in best.items():
            print(f"    {name:<9} {n / seconds:>9,.0f} queries/s  {us[name]:>8.1f} µs/query  ({n} queries)")
        print(f"    scoping overhead: {overhead:+.1f} µs/query ({overhead / us['bypassed'] * 100:+.1f}%)")


def run_sqlite(args) -> None:
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = build_app(url, url, Path(tmp) / "instance")
        with app.app_context():
            upgrade()
            tenant_a, _ = seed(args.procedures)
            measure("SQLite", tenant_a, args.procedures, args.queries, args.rounds, args.max_seconds)
            db.session.remove()
            db.engine.dispose()


def run_postgres(args, given: str) -> None:
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
                tenant_a, _ = seed(args.procedures)
                measure(f"PostgreSQL as {runtime.username} (RLS on)", tenant_a, args.procedures, args.queries,
                        args.rounds, args.max_seconds)
                db.session.remove()
                db.engine.dispose()
    finally:
        recreate(False)
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="ORM tenant scoping overhead")
    parser.add_argument("--procedures", type=int, default=500, help="procedures per tenant (N)")
    parser.add_argument("--queries", type=int, default=3000, help="queries per variant and round (M)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time budget per database")
    args = parser.parse_args()

    print("bench/tenant_scoping.py: ORM tenant scoping vs cross_tenant('bench') with the tenant named by hand")
    run_sqlite(args)
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgresql", "postgres")):
        run_postgres(args, given)
    else:
        print("\n(PostgreSQL: set DATABASE_URL=postgresql://user@host/db to measure it too, with RLS)")


if __name__ == "__main__":
    main()
