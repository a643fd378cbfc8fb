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
waiting sender starve behind them for a second or more."""

from pathlib import Path

from sqlalchemy import event, make_url

from platform_core.private_files import create_private_file

READ_ONLY = "motcua_read_only"


def begin_read_only(session) -> None:
    """Begin `session`'s transaction as read-only (a plain BEGIN on SQLite; nothing changes elsewhere).
    Call it when no transaction is open; the transaction must only read."""
    session.connection(execution_options={READ_ONLY: True})


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
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        deferred = not immediate or connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")
