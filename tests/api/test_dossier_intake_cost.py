"""The dossier API does the minimum in the request: no UPDATE of the API key, and the answer is made from what
the request wrote, never by reading the dossier back after its INSERT."""

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
