"""Statements planned for their own parameters on PostgreSQL, where a plan made for any values can be quadratic.

psycopg prepares a statement the fifth time a connection runs it, and PostgreSQL may then keep a generic plan,
made without the parameters' values. A broadcast's planning runs the same few statements for every chunk and
day while it fills the promotion ledger far faster than autovacuum analyses it: the generic plan of "the
followers of this range not yet given a promotion on this day" believed the day's ledger held two rows and
compared every follower of the chunk with every one of them (43 s for one statement where the plan made for
the values took 0.2-0.5 s; docs/architecture.md, broadcast planning). Planning a statement costs a
millisecond or two, nothing beside such a statement. SQLite plans every statement for its values already.
"""

from sqlalchemy import text


def plan_for_values(session) -> None:
    """Have PostgreSQL plan each statement of `session`'s current transaction for its parameters' values (SET
    LOCAL: it ends with the transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
