import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.exc import OperationalError

from platform_core.jobs import connection as redis_connection


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_when_everything_is_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": True, "redis": True}


def test_readyz_names_redis_when_it_is_down(client, app, monkeypatch):
    unreachable = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
    monkeypatch.setitem(app.extensions, redis_connection._EXTENSION_KEY, unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["redis"]


def test_readyz_names_the_database_when_it_is_down(client, monkeypatch, db_session):
    def broken(*args, **kwargs):
        raise OperationalError("select 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db_session, "execute", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["failing"] == ["database"]
