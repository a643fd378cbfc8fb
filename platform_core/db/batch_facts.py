"""Facts read once for a whole batch of work, so that each item of the batch reads nothing (issue 11 item 4).

A batch of webhook events (zalo/jobs.py `process_events`) asks, for each event, the same few questions about its
citizen: their follower record, their consent standing, the last message sent to them, the province's desk.
Before the events run, the features that ask load the answers for every citizen of the batch with IN-list
queries and `remember` them here; while the events run, the same functions `recall` them instead of querying.
Outside a batch (a request, a retried single event) nothing is remembered and every read queries as before.

A fact must stay true while it is used. The rules that keep it so:
- what the batch itself writes is remembered by the writer (a follower created, a notification written), or
  makes the writer `forget` the facts it changes (a consent granted, a phone shared);
- a citizen's facts are forgotten once one of their events has run (`forget(citizen)`), so a citizen's later
  events in the same batch read afresh, exactly as before: per-citizen order sees every earlier write;
- after an event fails (the writes rolled back, objects they created gone), every fact is forgotten.
What one citizen's event writes about another citizen may not be seen by the other's event in the same batch:
no order between two citizens was ever promised (their events may be in different lanes, processed
concurrently, zalo/intake.py).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from platform_core.db.session import objects_kept_across_commits

MISSING = object()  # recall's answer when nothing is remembered (None may be a fact: "no such row")

_facts: ContextVar[dict[str, dict] | None] = ContextVar("motcua_batch_facts", default=None)


@contextmanager
def batch(session) -> Iterator[None]:
    """Facts remembered inside the block are forgotten when it ends. The facts are read in a transaction of
    their own (read-only: on SQLite it takes no write lock) and used in the next, so `session`'s objects stay
    loaded through its commits (as if read a moment earlier in the writing one); the session is restored for
    whatever runs next in the worker."""
    token = _facts.set({})
    try:
        with objects_kept_across_commits(session):
            yield
    finally:
        _facts.reset(token)


def active() -> bool:
    return _facts.get() is not None


def remember(kind: str, values: dict) -> None:
    """Remember `values` (key -> fact) of `kind`; nothing outside a batch."""
    facts = _facts.get()
    if facts is not None:
        facts.setdefault(kind, {}).update(values)


def recall(kind: str, key):
    """The fact of `kind` remembered for `key`, or MISSING."""
    facts = _facts.get()
    return MISSING if facts is None else facts.get(kind, {}).get(key, MISSING)


def recall_or(kind: str, key, compute: Callable):
    """The remembered fact, or `compute()`'s, remembered for the rest of the batch."""
    fact = recall(kind, key)
    if fact is MISSING:
        fact = compute()
        remember(kind, {key: fact})
    return fact


def forget(key=MISSING, *kinds: str) -> None:
    """Forget `key`'s facts of `kinds` (of every kind when none is named); with no key, every fact of `kinds`
    (everything when none is named)."""
    facts = _facts.get()
    if facts is None:
        return
    for kind in kinds or tuple(facts):
        if key is MISSING:
            facts.pop(kind, None)
        else:
            facts.get(kind, {}).pop(key, None)
