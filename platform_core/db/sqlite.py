"""SQLite (the embedded default): foreign keys on, WAL so web and worker can share the file, and real
transactions. pysqlite's own transaction handling breaks SAVEPOINT, so SQLAlchemy's documented recipe takes
over: the driver stays in autocommit and BEGIN is emitted when SQLAlchemy begins."""

from sqlalchemy import event


def enable_sqlite_pragmas(engine) -> None:
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
        connection.exec_driver_sql("BEGIN")
