"""SQLite (the embedded default): foreign keys on, WAL so web and worker can share the file, and real
transactions. pysqlite's own transaction handling breaks SAVEPOINT, so SQLAlchemy's documented recipe takes
over: the driver stays in autocommit and BEGIN is emitted when SQLAlchemy begins.

BEGIN IMMEDIATE, not a deferred BEGIN: with web, worker and pump writing to one file, a deferred transaction
that reads and then writes fails at once with "database is locked" when another process wrote in between
(SQLite cannot upgrade a stale read snapshot, and busy_timeout does not apply). IMMEDIATE takes the write lock
up front and waits its turn; the embedded default trades concurrency for never failing this way. (The test
suite turns it off: its rolled-back outer transaction would hold the write lock for a whole test.)

A transaction that only reads can say so (`begin_read_only`): it then starts with a plain BEGIN and takes no
lock, as WAL readers need none. Loops that read several times a second (the delivery pump) would otherwise
queue for the write lock with every sender, and SQLite's busy handler, which sleeps between tries, lets a
waiting sender starve behind them for a second or more.

A transaction someone is waiting for (Zalo's webhook, which must answer within milliseconds; a province system's
call to the REST API) can ask for the lock promptly (`begin_promptly`): it then tries BEGIN IMMEDIATE every
millisecond instead of sleeping in the busy handler's growing steps (up to 100 ms each), so it takes the lock as
soon as the holder commits, ahead of the background writers that sleep. Background writers keep their write
transactions short for the same reason (zalo/jobs.py commits an event batch in slices)."""

import sqlite3
import time
from pathlib import Path

from sqlalchemy import event, make_url
from sqlalchemy.orm import scoped_session

from platform_core.private_files import create_private_file

READ_ONLY = "motcua_read_only"
PROMPT = "motcua_prompt"
BUSY_TIMEOUT_MS = 10_000
PROMPT_POLL_SECONDS = 0.001


def begin_read_only(session) -> None:
    """Begin `session`'s transaction as read-only (a plain BEGIN on SQLite; nothing changes elsewhere).
    Call it when no transaction is open; the transaction must only read."""
    session.connection(execution_options={READ_ONLY: True})


def begin_promptly(session) -> None:
    """Begin `session`'s transaction taking the write lock as soon as it is free (SQLite; nothing changes
    elsewhere). A transaction already open goes on as it began."""
    current = session() if isinstance(session, scoped_session) else session
    if not current.in_transaction():
        current.connection(execution_options={PROMPT: True})


def write_promptly(session) -> None:
    """Go on from a transaction that only read to writing: on SQLite the read-only transaction ends and the next
    takes the write lock as soon as it is free (`begin_promptly`); elsewhere, with no database-wide write lock,
    the same transaction goes on (no commit, no new transaction: fewer round trips)."""
    if session.get_bind().dialect.name == "sqlite":
        session.commit()
        begin_promptly(session)


def create_private_database_file(url: str) -> None:
    """Create a SQLite database file 0600 before SQLite does (it would follow the umask, usually 0644: every
    local user could read the citizens' data). An empty file is an empty database; SQLite gives the WAL and
    shared-memory files the database file's mode."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    if parsed.database.startswith("file:"):
        return  # a URI filename: SQLite's own syntax, left to it
    create_private_file(Path(parsed.database))


def enable_sqlite_pragmas(engine, immediate: bool = True) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        options = connection.get_execution_options()
        if not immediate or options.get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
        elif options.get(PROMPT, False):
            _begin_immediate_promptly(connection.connection.driver_connection)
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_immediate_promptly(driver) -> None:
    """BEGIN IMMEDIATE, tried every PROMPT_POLL_SECONDS until the busy timeout has passed."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    driver.execute("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                driver.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(PROMPT_POLL_SECONDS)
    finally:
        driver.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
