"""Counting the SQL statements a path sends, for the tests that keep a batch's or a request's cost fixed."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def recorded_statements(engine) -> Iterator[list[str]]:
    """The statements `engine` sends inside the block, in order."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
