"""Two requests carrying the same natural key (a dossier code, an idempotency key) can both look, find
nothing, and both insert. The unique constraint lets one through; the other is answered as a repeat of the
winner's write instead of failing with a 500."""

from sqlalchemy.exc import IntegrityError

from platform_core.db import db


def first_writer_wins(write, find_winner, same_as):
    """Run `write()` in a savepoint and return (its result, True). When a concurrent request inserted the same
    key first, return (same_as(find_winner()), False); an IntegrityError with no winner to find is re-raised."""
    try:
        with db.session.begin_nested():
            return write(), True
    except IntegrityError:
        winner = find_winner()
        if winner is None:
            raise
        return same_as(winner), False
