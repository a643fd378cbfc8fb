"""A transaction someone waits for takes SQLite's write lock as soon as the holder commits (db/sqlite.py
`begin_promptly`): the webhook's insert tries every millisecond instead of sleeping in the busy handler."""

import sqlite3
import threading

import pytest

from platform_core.db import sqlite as motcua_sqlite


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "lock.sqlite3"
    with sqlite3.connect(path, isolation_level=None) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (n INTEGER)")
    return path


def connect(path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout={motcua_sqlite.BUSY_TIMEOUT_MS}")
    return connection


def test_the_lock_is_taken_once_the_holder_commits(database, monkeypatch):
    holder, waiter = connect(database), connect(database)
    holder.execute("BEGIN IMMEDIATE")
    tried, outcome = threading.Event(), {}
    real_sleep = motcua_sqlite.time.sleep

    def sleep(seconds):
        tried.set()  # the waiter found the lock held and waits for its next try
        real_sleep(seconds)

    monkeypatch.setattr(motcua_sqlite.time, "sleep", sleep)

    def wait_for_lock():
        try:
            motcua_sqlite._begin_immediate_promptly(waiter)
            outcome["begun"] = True
        except sqlite3.Error as error:  # the test fails below with it
            outcome["error"] = error

    thread = threading.Thread(target=wait_for_lock)
    thread.start()
    assert tried.wait(timeout=10)
    holder.execute("COMMIT")
    thread.join(timeout=10)
    assert outcome == {"begun": True}
    assert waiter.in_transaction
    third = sqlite3.connect(database, isolation_level=None, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        third.execute("BEGIN IMMEDIATE")  # the waiter holds the write lock now
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == motcua_sqlite.BUSY_TIMEOUT_MS
    waiter.execute("COMMIT")
    for connection in (holder, waiter, third):
        connection.close()


def test_an_error_other_than_the_lock_is_raised_at_once(database):
    waiter = connect(database)
    waiter.execute("BEGIN")  # already in a transaction: SQLite refuses another BEGIN
    with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
        motcua_sqlite._begin_immediate_promptly(waiter)
    assert waiter.execute("PRAGMA busy_timeout").fetchone()[0] == motcua_sqlite.BUSY_TIMEOUT_MS
    waiter.close()
