"""GET /api/v1/procedures[/<code>]: the key decides the tenant; errors are JSON."""

import pytest

from platform_core.apikeys import service as apikeys
from platform_core.jobs.connection import get_redis
from platform_core.tenancy import service as tenancy
from tests import factories
from tests.conftest import CANARY, as_tenant


@pytest.fixture
def key_a(tenant_a):
    with as_tenant(tenant_a):
        _, plaintext = factories.create_api_key("một cửa A")
    return plaintext


@pytest.fixture
def key_b(tenant_b):
    with as_tenant(tenant_b):
        _, plaintext = factories.create_api_key("một cửa B")
    return plaintext


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def test_lists_only_the_key_owners_procedures(client, key_a):
    response = client.get("/api/v1/procedures", headers=bearer(key_a))
    assert response.status_code == 200
    body = response.get_json()
    assert body["count"] == 2
    assert {p["code"] for p in body["procedures"]} == {"1.004222", "1.001193"}
    assert CANARY not in response.get_data(as_text=True)


def test_the_other_key_gets_the_other_catalogue(client, key_b):
    body = client.get("/api/v1/procedures", headers=bearer(key_b)).get_json()
    assert {p["code"] for p in body["procedures"]} == {"1.004222", "9.999999"}


def test_procedure_detail(client, key_a):
    response = client.get("/api/v1/procedures/1.004222", headers=bearer(key_a))
    assert response.status_code == 200
    assert response.get_json()["agency"] == "Công an xã Bắc Ninh"


def test_another_tenants_procedure_code_is_404(client, key_a):
    response = client.get("/api/v1/procedures/9.999999", headers=bearer(key_a))
    assert response.status_code == 404
    assert "errors" in response.get_json()
    assert CANARY not in response.get_data(as_text=True)


def test_filters(client, key_a):
    body = client.get("/api/v1/procedures?q=khai sinh", headers=bearer(key_a)).get_json()
    assert [p["code"] for p in body["procedures"]] == ["1.001193"]


def test_unknown_query_parameter_is_422_with_the_field_named(client, key_a):
    response = client.get("/api/v1/procedures?colour=red", headers=bearer(key_a))
    assert response.status_code == 422
    assert "colour" in response.get_json()["errors"]


def test_bad_boolean_is_422(client, key_a):
    response = client.get("/api/v1/procedures?enabled=maybe", headers=bearer(key_a))
    assert response.status_code == 422
    assert "enabled" in response.get_json()["errors"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Bearer motcua_live_" + "0" * 32 + "_" + "A" * 43},
    ],
    ids=["missing", "wrong-scheme", "empty", "malformed", "unknown-tenant"],
)
def test_bad_key_is_401_json(client, headers):
    response = client.get("/api/v1/procedures", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["errors"]["authorization"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_key_with_its_tenant_part_swapped_is_401(client, key_a, tenant_a, tenant_b):
    forged = key_a.replace(tenant_a.id.hex, tenant_b.id.hex)
    assert client.get("/api/v1/procedures", headers=bearer(forged)).status_code == 401


def test_revoked_key_is_401(client, tenant_a, db_session):
    with as_tenant(tenant_a):
        key, plaintext = factories.create_api_key("to revoke")
        apikeys.revoke_key(key)
        db_session.flush()
    assert client.get("/api/v1/procedures", headers=bearer(plaintext)).status_code == 401


def test_suspended_tenants_key_is_401(client, key_a, tenant_a, db_session):
    tenancy.change_status(tenant_a, "suspended", reason="test")
    db_session.flush()
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 401


def test_use_is_recorded_by_the_periodic_job_not_by_the_request(client, key_a, tenant_a):
    """The request only notes the use in Redis; the scheduler's job writes `last_used_at`."""
    from sqlalchemy import select

    from platform_core.apikeys import jobs, usage
    from platform_core.apikeys.models import ApiKey
    from platform_core.extensions import db
    from platform_core.jobs import scheduler

    def last_used():
        with as_tenant(tenant_a):
            key = db.session.scalar(select(ApiKey).where(ApiKey.name == "một cửa A"))
            db.session.refresh(key)
            return key.last_used_at

    get_redis().delete(usage.USED_HASH)
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 200
    assert last_used() is None
    assert jobs.write_last_used() == 1
    assert last_used() is not None
    assert jobs.write_last_used() == 0  # taken away: written once
    assert ("platform_core.apikeys.jobs.write_last_used", 60) in scheduler.PERIODIC_JOBS


def test_a_key_revoked_elsewhere_is_refused_once_the_cache_is_older_than_its_ttl(client, key_a, tenant_a,
                                                                                monkeypatch):
    """Another process revoked it (the row changed, this process's cache did not): accepted from the cache at
    most KEY_CACHE_SECONDS, then checked again and refused."""
    from sqlalchemy import update

    from platform_core.apikeys import usage
    from platform_core.apikeys.models import ApiKey
    from platform_core.db.types import utcnow
    from platform_core.extensions import db

    clock = [1000.0]
    monkeypatch.setattr(usage.time, "monotonic", lambda: clock[0])
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 200
    with as_tenant(tenant_a):
        db.session.execute(update(ApiKey).where(ApiKey.name == "một cửa A").values(revoked_at=utcnow()))
        db.session.flush()
    clock[0] += usage.KEY_CACHE_SECONDS - 0.5
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 200
    clock[0] += 1
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 401


def test_a_province_suspended_elsewhere_is_refused_once_the_cache_is_older_than_its_ttl(client, key_a, tenant_a,
                                                                                       monkeypatch):
    """The cache holds the key with its province, served when checked: a province suspended by another process
    is still entered from the cache for at most KEY_CACHE_SECONDS, then its row is read again and the key
    refused."""
    from sqlalchemy import update

    from platform_core.apikeys import usage
    from platform_core.extensions import db
    from platform_core.tenancy.models import Tenant

    clock = [1000.0]
    monkeypatch.setattr(usage.time, "monotonic", lambda: clock[0])
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 200
    db.session.execute(update(Tenant).where(Tenant.id == tenant_a.id).values(status="suspended"))
    db.session.flush()
    clock[0] += usage.KEY_CACHE_SECONDS - 0.5
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 200
    clock[0] += 1
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 401


def test_a_key_revoked_in_this_process_is_refused_at_once(client, key_a, tenant_a):
    from sqlalchemy import select

    from platform_core.apikeys.models import ApiKey
    from platform_core.extensions import db

    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 200
    with as_tenant(tenant_a):
        apikeys.revoke_key(db.session.scalar(select(ApiKey).where(ApiKey.name == "một cửa A")))
    assert client.get("/api/v1/procedures", headers=bearer(key_a)).status_code == 401


def test_unknown_api_path_is_json_404(client, key_a):
    response = client.get("/api/v1/nothing-here", headers=bearer(key_a))
    assert response.status_code == 404
    assert response.is_json
