"""The instance folder holds the SQLite database, the generated keys and Redis's state: only the service's user
may read them (issue 12 item 14), whatever the umask. They were created 0644 in a 0755 folder."""

import os
import stat
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from platform_core import create_app
from platform_core.extensions import db
from platform_core.jobs.embedded_redis import stop_shared_server
from tests.conftest import TEST_ENCRYPTION_KEY


@contextmanager
def usual_umask():
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh_instance(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "ENCRYPTION_KEYS", "MOTCUA_ENV", "REDIS_URL", "DATABASE_URL", "DATABASE_OWNER_URL"):
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    yield instance
    stop_shared_server(instance)


def test_a_first_start_creates_database_keys_and_redis_state_for_its_user_only(fresh_instance):
    database = fresh_instance / "motcua.sqlite3"
    with usual_umask():
        app = create_app({"INSTANCE_PATH": str(fresh_instance), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
        with app.app_context(), db.engine.begin() as connection:  # this app's engine (db.session is the suite's)
            connection.execute(text("create table probe (id integer)"))
        with app.app_context():
            db.engine.dispose()
    assert mode(fresh_instance) == 0o700
    assert mode(database) == 0o600
    assert mode(fresh_instance / "secret_key") == 0o600
    assert mode(fresh_instance / "encryption_key") == 0o600
    assert mode(fresh_instance / "redis") == 0o700
    assert mode(fresh_instance / "redis" / "redis.log") == 0o600
    leaked = [path for path in fresh_instance.rglob("*") if mode(path) & 0o077]
    assert leaked == []


def test_an_existing_instance_folder_left_open_is_narrowed_and_its_keys_kept(fresh_instance, redis_url):
    fresh_instance.mkdir(mode=0o755)
    (fresh_instance / "secret_key").write_text("kept-secret")
    app = create_app({"INSTANCE_PATH": str(fresh_instance), "REDIS_URL": redis_url,
                      "ENCRYPTION_KEYS": [TEST_ENCRYPTION_KEY],
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{fresh_instance / 'db.sqlite3'}"})
    assert app.config["SECRET_KEY"] == "kept-secret"
    assert mode(fresh_instance) == 0o700
