"""A province system waits on the REST API's answer: its writes begin their transaction taking SQLite's write
lock as soon as it is free (db/sqlite.py `begin_promptly`, tried every millisecond), not in the busy handler's
growing sleeps behind the background writers. A key not checked in the last KEY_CACHE_SECONDS is checked against
the database first, in an ordinary transaction, so each test knows its key before it counts."""

import pytest
from sqlalchemy import event

from platform_core.db.sqlite import PROMPT
from platform_core.extensions import db
from tests import factories
from tests.conftest import as_tenant

CODE = "H15.50.05.13-260715-0777"


@pytest.fixture
def key(production_app, committed_data, tenant_a):
    with production_app.app_context():
        with as_tenant(tenant_a):
            _, plaintext = factories.create_api_key("prompt lock")
            db.session.commit()
        db.session.remove()
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert production_app.test_client().get(f"/api/v1/dossiers/{CODE}", headers=headers).status_code == 404
    return headers


@pytest.fixture
def begins(production_app):
    """Each transaction the production app's engine begins: whether it asked for the lock promptly."""
    seen: list[bool] = []

    def note(connection):
        seen.append(bool(connection.get_execution_options().get(PROMPT)))

    with production_app.app_context():
        engine = db.engine
    event.listen(engine, "begin", note)
    yield seen
    event.remove(engine, "begin", note)


def test_a_dossier_and_its_event_are_written_promptly(production_app, key, begins):
    client = production_app.test_client()
    created = client.post("/api/v1/dossiers", json=factories.dossier_body(CODE), headers=key)
    assert created.status_code == 201, created.get_data(as_text=True)
    event_posted = client.post(f"/api/v1/dossiers/{CODE}/events", headers=key, json={
        "status": "processing", "occurred_at": "2026-07-16T09:00:00+07:00"})
    assert event_posted.status_code == 201, event_posted.get_data(as_text=True)
    assert begins == [True, True]


def test_a_refused_body_never_begins_a_transaction(production_app, key, begins):
    refused = production_app.test_client().post("/api/v1/dossiers", json={"code": CODE}, headers=key)
    assert refused.status_code == 422
    assert begins == []
