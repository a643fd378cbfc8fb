"""A fresh migrated SQLite database in milliseconds, for tests that run the app on a database of their own (the
whole stack of tests/pipeline/stack.py, the browser tests' server): the migrations run once per test process
(seconds), into a template that each new database is then copied from."""

import atexit
import functools
import shutil
import sqlite3
import tempfile
from pathlib import Path

from platform_core import create_app
from platform_core.db.migrations import upgrade
from platform_core.extensions import db
from tests.conftest import make_test_config


def migrated_sqlite(path: Path) -> str:
    """A database at `path` (which must not exist yet) at the migrations' head; returns its URL."""
    with sqlite3.connect(_template()) as source, sqlite3.connect(path) as target:
        source.backup(target)  # a consistent copy, whatever the template's journal holds
    source.close()
    target.close()
    return f"sqlite:///{path}"


@functools.cache
def _template() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="motcua-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    url = f"sqlite:///{folder / 'template.sqlite3'}"
    app = create_app(make_test_config({"owner": url, "runtime": url, "dialect": "sqlite"}, "redis://127.0.0.1:1/0",
                                      folder / "instance"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return folder / "template.sqlite3"
