"""The dossier API does the minimum in the request: no UPDATE of the API key, and the answer is made from what
the request wrote, never by reading the dossier back after its INSERT."""

import re

from sqlalchemy import event

from platform_core.extensions import db
from tests.api.test_dossiers_api import CODE, create, key_a  # noqa: F401 - a fixture


def statements_of(call) -> list[str]:
    seen: list[str] = []

    def note(connection, cursor, statement, *_):
        seen.append(" ".join(statement.split()))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = call()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert response.status_code == 201, response.get_data(as_text=True)
    return seen


def test_posting_a_dossier_never_reads_it_back_nor_updates_the_key(client, key_a):  # noqa: F811
    statements = statements_of(lambda: create(client, key_a))
    inserted = next(number for number, sql in enumerate(statements) if sql.startswith("INSERT INTO dossier "))
    after = statements[inserted + 1:]
    assert not [sql for sql in after if sql.startswith("SELECT") and " FROM dossier " in f"{sql} "]
    assert not [sql for sql in statements if sql.startswith("UPDATE api_key")]



# One POST of a new dossier once its key is cached (apikeys/usage.py: the key and its province come from the
# cache), statement by statement: the procedure, the dossier and its event, the tenant with its OA's name for the
# notice (notices/service.py), the notice and its delivery, the citizen's consents and stops (citizens/screen.py),
# all inside the savepoint that makes a repeat of the code a 200 (db/first_writer.py). The test's own
# transaction adds the outer savepoint.
ONE_POST = [
    "SAVEPOINT", "SELECT procedure",
    "SAVEPOINT", "INSERT dossier", "INSERT dossier_event", "SELECT tenant", "INSERT notification",
    "INSERT delivery", "SELECT consent", "RELEASE SAVEPOINT",
    "RELEASE SAVEPOINT",
]
FIRST_TABLE = re.compile(r" FROM (\w+)")
# PostgreSQL: the tenant's row-level security settings, once as each (sub)transaction begins and again after each
# flush (db/session.py). Sending them once per transaction (d41e001) left inserts after a flush without them in the
# broadcasts' tests: reverted. A transaction begun by an ORM statement used to be told twice (its begin, then the
# statement's own check); once since the check takes the connection first.
RLS_SETTINGS = 3


def kind(sql: str) -> str:
    """`SELECT <first table>`, `INSERT <table>`, `SAVEPOINT`, `RELEASE SAVEPOINT`, or `set_config`."""
    if "set_config(" in sql:
        return "set_config"
    verb = sql.split()[0]
    if verb == "SELECT":
        return "SELECT " + FIRST_TABLE.search(sql).group(1)
    if verb == "INSERT":
        return f"INSERT {sql.split()[2]}"
    return "RELEASE SAVEPOINT" if verb == "RELEASE" else verb


def test_one_post_issues_a_fixed_list_of_statements(client, key_a):  # noqa: F811
    """A new lazy load, a read of what was just written or a lookup more fails here."""
    assert create(client, key_a, code="H15.50.05.13-260715-0000").status_code == 201  # the key is cached
    kinds = [kind(sql) for sql in statements_of(lambda: create(client, key_a))]
    assert [k for k in kinds if k != "set_config"] == ONE_POST
    assert kinds.count("set_config") == (RLS_SETTINGS if db.engine.dialect.name == "postgresql" else 0)
