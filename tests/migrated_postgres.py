"""A fresh migrated PostgreSQL database on the server DATABASE_URL names, for tests that run the app on a database
of their own (tests/pipeline/stack.py): the PostgreSQL twin of tests/migrated_sqlite.py, with the runtime role
and row-level security in force as in the suite (tests/conftest.py)."""

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import make_url

from platform_core import create_app
from platform_core.config import normalise_database_url
from platform_core.db.migrations import upgrade
from platform_core.extensions import db
from tests.conftest import make_test_config, on_server, one_worker_at_a_time, postgres_urls


@contextlib.contextmanager
def migrated_postgres(server_url: str, instance_path: Path) -> Iterator[dict]:
    """A new database at the migrations' head on `server_url`'s server, as the suite's `database_urls` are;
    dropped when the block ends."""
    server = make_url(normalise_database_url(server_url))
    name = f"motcua_stack_{uuid.uuid4().hex[:12]}"
    on_server(server, f'CREATE DATABASE "{name}"')
    try:
        urls = postgres_urls(server, name)
        app = create_app(make_test_config(urls, "redis://127.0.0.1:1/0", instance_path))
        with app.app_context(), one_worker_at_a_time(urls):
            upgrade()
            db.engine.dispose()
        yield urls
    finally:
        on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
