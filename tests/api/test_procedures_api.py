"""GET /api/v1/procedures[/<code>]: the key decides the tenant; errors are JSON."""

import pytest

from platform_core.apikeys import service as apikeys
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


def test_use_is_recorded(client, key_a, tenant_a):
    client.get("/api/v1/procedures", headers=bearer(key_a))
    from sqlalchemy import select

    from platform_core.apikeys.models import ApiKey
    from platform_core.extensions import db

    with as_tenant(tenant_a):
        key = db.session.scalar(select(ApiKey).where(ApiKey.name == "một cửa A"))
    assert key.last_used_at is not None


def test_unknown_api_path_is_json_404(client, key_a):
    response = client.get("/api/v1/nothing-here", headers=bearer(key_a))
    assert response.status_code == 404
    assert response.is_json
