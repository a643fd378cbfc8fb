"""Test fixtures: one migrated database per run, two tenants always present, each test rolled back.

- SQLite (default) or PostgreSQL (`DATABASE_URL=postgresql://...`). On PostgreSQL the suite creates its own
  database (`motcua_test`) on that server, migrates it as the given (owner) user and runs the app as the
  runtime role `motcua_app`, so row-level security is in force exactly as in production.
- Redis: `REDIS_URL` when set (it must be a disposable database: the suite flushes it), otherwise the
  bundled redis-server on a free port for the whole run.
- Every test runs inside an outer transaction that is rolled back; the code under test commits to
  savepoints. Tests that need data other processes can see (real RQ workers) use `committed_data`.
- In parallel (`pytest -n 2`, pytest-xdist; what `make test` does) every worker is a separate run of all the
  above: its own SQLite file or PostgreSQL database (`motcua_test_gw0`, `motcua_test_gw1`, ...), its own
  bundled Redis (or, with `REDIS_URL`, the database number after the given one: gw1 uses /1 when given /0),
  its own Zalo sandbox, instance folder and temporary files.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, make_url, text

from platform_core import create_app
from platform_core.auth import passwords
from platform_core.config import normalise_database_url
from platform_core.db.migrations import upgrade
from platform_core.db.session import TenantSession
from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.embedded_redis import start_server
from tests import factories
from tests.clients import CHEAP_HASHER, isolated_client
from tests.web.catalogues import compile_catalogues
from tests.workers import worker_database, worker_id, worker_redis

pytest_plugins = [
    "tests.zalo_sandbox_fixtures",  # the Zalo sandbox server, for everything Zalo-facing
    "tests.parallel",  # xdist: the order tests are handed out in, and the tests that run alone
]

TEST_ENCRYPTION_KEY = "2p1V1wqM7Sg2xKIaT4Dq8nq3o5mG0w6c1h2YlO9F3Zk="
TENANT_A_SLUG, TENANT_B_SLUG = "bac-ninh", "da-nang"
CANARY = "CANARY-B"  # appears only in tenant B's rows; must never reach tenant A


# --- services -----------------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def redis_url(tmp_path_factory) -> Iterator[str]:
    url = worker_redis(os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL") else None
    process = None
    if not url:
        process, url = start_server(tmp_path_factory.mktemp("redis"))
    redis.Redis.from_url(url).flushdb()
    yield url
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> Iterator[dict]:
    """{'owner': ..., 'runtime': ...}: the same database, reached as schema owner and as the app."""
    given = os.environ.get("DATABASE_URL")
    if not given:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        yield {"owner": url, "runtime": url, "dialect": "sqlite"}
        return
    server = make_url(normalise_database_url(given))
    # Two checkouts testing at once: set MOTCUA_TEST_DATABASE. Each xdist worker adds its id (_gw0, _gw1...).
    name = worker_database(os.environ.get("MOTCUA_TEST_DATABASE", "motcua_test"))
    on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    yield postgres_urls(server, name)
    on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_urls(server, name: str) -> dict:
    """The database `name` on `server` (a URL as the schema owner), reached as owner and as the runtime role."""
    owner = server.set(database=name)
    runtime = owner.set(username="motcua_app", password=os.environ.get("DATABASE_APP_PASSWORD"))
    return {
        "owner": owner.render_as_string(hide_password=False),
        "runtime": runtime.render_as_string(hide_password=False),
        "dialect": "postgresql",
        "server": server.render_as_string(hide_password=False),
    }


def on_server(server, *statements: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)
    admin.dispose()


@contextmanager
def one_worker_at_a_time(database_urls: dict) -> Iterator[None]:
    """xdist workers migrate their PostgreSQL databases one after the other (an advisory lock, taken on the
    server's own database): a migration creates the runtime role when it is missing, and two at once would
    both create it."""
    if database_urls["dialect"] != "postgresql":
        yield
        return
    admin = create_engine(database_urls["server"], isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text("select pg_advisory_lock(hashtext('motcua test migrations'))"))
        try:
            yield
        finally:
            connection.execute(text("select pg_advisory_unlock(hashtext('motcua test migrations'))"))
    admin.dispose()


def make_test_config(database_urls: dict, redis_url: str, instance_path: Path) -> dict:
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret-key",
        "ENCRYPTION_KEYS": [TEST_ENCRYPTION_KEY],
        "SQLALCHEMY_DATABASE_URI": database_urls["runtime"],
        "DATABASE_OWNER_URL": database_urls["owner"],
        "REDIS_URL": redis_url,
        "RATELIMIT_KEY_PREFIX": "motcua-test-limits",
        "WTF_CSRF_ENABLED": False,
        "REQUIRE_2FA": False,
        "OUTGOING_WEBHOOK_ALLOW_PRIVATE": True,  # receivers listen on 127.0.0.1 (a test turns it off)
        # The rolled-back outer transaction of each test would hold SQLite's write lock for the whole test.
        "SQLITE_IMMEDIATE_TRANSACTIONS": False,
    }


@pytest.fixture(scope="session")
def app_config(database_urls, redis_url, tmp_path_factory) -> dict:
    # The in-process app sends one message at a time over httpx, so a test reads the sandbox's requests in the
    # batch's order; worker processes (tests/pipeline) and tests/delivery/test_batch.py use calls in flight.
    return make_test_config(database_urls, redis_url, tmp_path_factory.mktemp("instance")) | {
        "DELIVERY_CALLS_IN_FLIGHT": 1}


@pytest.fixture(scope="session")
def app(app_config, database_urls):
    app = create_app(app_config)
    with app.app_context(), one_worker_at_a_time(database_urls):
        upgrade()
        seed_base_tenants()
    yield app
    with app.app_context():
        db.engine.dispose()  # before the worker's database is dropped


def seed_base_tenants() -> None:
    """Tenant A and tenant B, committed once for the whole run. B's data carries the canary."""
    a = factories.create_tenant(TENANT_A_SLUG, "Bắc Ninh", code="24")
    b = factories.create_tenant(TENANT_B_SLUG, "Đà Nẵng", code="48")
    with tenant_context(TenantRef(a.id, a.slug)):
        factories.create_procedure("1.004222", "Đăng ký thường trú", agency="Công an xã Bắc Ninh")
        factories.create_procedure("1.001193", "Đăng ký khai sinh", agency="UBND xã Bắc Ninh")
    with tenant_context(TenantRef(b.id, b.slug)):
        factories.create_procedure("1.004222", f"Đăng ký thường trú {CANARY}", agency=f"Công an {CANARY}")
        factories.create_procedure("9.999999", f"Thủ tục riêng {CANARY}", agency=f"UBND {CANARY}")
    db.session.commit()
    db.session.remove()


# --- per test -----------------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def db_session(request, app):
    """Each test inside a transaction that is rolled back, with the app context pushed."""
    with app.app_context():
        if "committed_data" in request.fixturenames:
            yield db.session
            return
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # Same session class as the app (a bare Session would silently skip the tenancy listeners).
        db.session = db._make_scoped_session(
            {"class_": TenantSession, "bind": connection, "join_transaction_mode": "create_savepoint"}
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture(scope="module")
def production_app(app, app_config):
    """A second app on the suite's database, with the transaction mode production uses (on SQLite, BEGIN
    IMMEDIATE, which the suite's app turns off for its rolled-back outer transaction). Use it on
    `committed_data`."""
    production = create_app(app_config | {"SQLITE_IMMEDIATE_TRANSACTIONS": True})
    yield production
    with production.app_context():
        db.engine.dispose()


@pytest.fixture
def committed_data(app, database_urls):
    """For tests whose data must be visible to other processes: rows are committed for real, and every
    row created after the base seed is deleted afterwards (as the schema owner, which RLS does not bind)."""
    yield
    db.session.remove()
    owner = create_engine(database_urls["owner"])
    with owner.begin() as connection:
        delete_everything_but_the_base_seed(connection)
    owner.dispose()


def delete_everything_but_the_base_seed(connection) -> None:
    if connection.dialect.name == "postgresql":  # the owner is bound by FORCE'd row-level security too
        connection.execute(text("select set_config('app.cross_tenant', 'on', true)"))
    keep = "(select id from tenant where slug in ('bac-ninh', 'da-nang'))"
    for table in reversed(db.metadata.sorted_tables):
        columns = table.columns.keys()
        if table.name == "procedure":
            connection.execute(text(f"delete from procedure where code not in ('1.004222', '1.001193', '9.999999') or tenant_id not in {keep}"))  # noqa: E501
        elif table.name == "tenant":
            connection.execute(text(f"delete from tenant where id not in {keep}"))
        elif "tenant_id" in columns and table.name == "tenant_history":
            connection.execute(text(f"delete from tenant_history where tenant_id not in {keep}"))
        elif table.name != "alembic_version":
            connection.execute(table.delete())


@pytest.fixture
def own_database(database_urls, tmp_path):
    """For tests of one migration: an empty database beside the suite's, of the suite's kind (SQLite, or
    PostgreSQL with row-level security); dropped afterwards."""
    if database_urls["dialect"] != "postgresql":
        url = f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        yield {"owner": url, "runtime": url, "dialect": "sqlite"}
        return
    server, name = make_url(database_urls["server"]), f"motcua_migration_{uuid.uuid4().hex[:12]}"
    on_server(server, f'CREATE DATABASE "{name}"')
    try:
        yield postgres_urls(server, name)
    finally:
        on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def as_owner(database: dict, statements: list) -> list:
    """Run `statements` as the schema owner across tenants (the owner is bound by FORCE'd row-level security);
    the rows of each that returns any."""
    engine = create_engine(database["owner"])
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("select set_config('app.cross_tenant', 'on', true)"))
        results = [connection.execute(statement) for statement in statements]
        rows = [[tuple(row) for row in result] for result in results if result.returns_rows]
    engine.dispose()
    return rows


@pytest.fixture
def client(app):
    return isolated_client(app)


@pytest.fixture(autouse=True)
def fresh_rate_limits(db_session):
    """Limiter state lives in Redis, outside the rolled-back transaction, and the seeded provinces keep their
    ids from test to test: start each test with no sends counted (else an earlier file's sends use up the
    budget and a later test's pump claims nothing). The browser tests (no suite session) run their own server."""
    if db_session is None:
        return
    connection = get_redis()
    for key in [*connection.scan_iter("motcua:rl:*"), *connection.scan_iter("motcua:daily:*")]:
        connection.delete(key)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    monkeypatch.setattr(passwords, "_hasher", CHEAP_HASHER)


def pytest_configure(config):
    if not worker_id():  # once, before xdist starts its workers
        compile_catalogues()  # the .mo files are build output; tests need them current


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def tenant_a():
    return factories.tenant_by_slug(TENANT_A_SLUG)


@pytest.fixture
def tenant_b():
    return factories.tenant_by_slug(TENANT_B_SLUG)


@contextmanager
def as_tenant(tenant) -> Iterator[TenantRef]:
    """`with as_tenant(tenant_a):` runs the block in that tenant's context."""
    with tenant_context(TenantRef(tenant.id, tenant.slug)) as ref:
        yield ref


@pytest.fixture
def is_postgres(database_urls) -> bool:
    return database_urls["dialect"] == "postgresql"


def pytest_collection_modifyitems(config, items):
    if os.environ.get("DATABASE_URL", "").startswith(("postgresql", "postgres")):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgresql://...")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)
