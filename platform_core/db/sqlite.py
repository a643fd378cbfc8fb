"""SQLite (the embedded default): foreign keys on, WAL so web and worker can share the file, and real
transactions. pysqlite's own transaction handling breaks SAVEPOINT, so SQLAlchemy's documented recipe takes
over: the driver stays in autocommit and BEGIN is emitted when SQLAlchemy begins.

BEGIN IMMEDIATE, not a deferred BEGIN: with web, worker and pump writing to one file, a deferred transaction
that reads and then writes fails at once with "database is locked" when another process wrote in between
(SQLite cannot upgrade a stale read snapshot, and busy_timeout does not apply). IMMEDIATE takes the write lock
up front and waits its turn; the embedded default trades concurrency for never failing this way. (The test
suite turns it off: its rolled-back outer transaction would hold the write lock for a whole test.)"""

from sqlalchemy import event


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
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
