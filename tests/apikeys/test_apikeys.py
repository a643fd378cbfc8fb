"""API keys: recognisable prefix, stored hashed, shown once, revocable, audited; the CLI."""

import re

import pytest
from sqlalchemy import select

from platform_core.apikeys import service
from platform_core.apikeys.models import ApiKey
from platform_core.audit.models import AuditEvent
from platform_core.db.tenant_context import TenantRef, tenant_context
from tests.conftest import as_tenant


def test_key_is_prefixed_and_only_its_hash_is_stored(tenant_a, db_session):
    with as_tenant(tenant_a):
        key, plaintext = service.create_key("một cửa", "test")
        stored = db_session.scalar(select(ApiKey).where(ApiKey.id == key.id))
    assert re.match(r"^motcua_test_[0-9a-f]{32}_", plaintext)
    assert stored.secret_hash == service.hash_key(plaintext)
    assert plaintext not in (stored.secret_hash, stored.display_prefix)
    assert stored.kind == "test"


def test_creation_and_revocation_are_audited(tenant_a, db_session):
    with as_tenant(tenant_a):
        key, _ = service.create_key("audited")
        service.revoke_key(key)
        actions = db_session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(key.id))).all()
    assert sorted(actions) == ["api_key_created", "api_key_revoked"]


@pytest.mark.parametrize(("name", "kind", "field"), [("", "live", "name"), ("x" * 81, "live", "name"),
                                                      ("ok", "prod", "kind")])
def test_invalid_key_requests_name_the_field(tenant_a, name, kind, field):
    with as_tenant(tenant_a), pytest.raises(service.ApiKeyError) as error:
        service.create_key(name, kind)
    assert error.value.field == field


def test_cli_creates_a_key_shown_once(runner, tenant_a, db_session):
    result = runner.invoke(args=["apikeys", "create", "bac-ninh", "--name", "một cửa"])
    assert result.exit_code == 0, result.output
    plaintext = result.output.strip().splitlines()[-1]
    with as_tenant(tenant_a):
        assert service.authenticate(plaintext) is not None
    listing = runner.invoke(args=["apikeys", "list", "bac-ninh"]).output
    assert "một cửa" in listing and plaintext not in listing


def test_cli_revokes(runner, tenant_a, db_session):
    a = TenantRef(tenant_a.id, tenant_a.slug)  # the CLI closes the session; keep plain values
    with tenant_context(a):
        key, plaintext = service.create_key("to revoke")
        key_id = key.id
        db_session.commit()
    result = runner.invoke(args=["apikeys", "revoke", "bac-ninh", str(key_id)])
    assert result.exit_code == 0, result.output
    with tenant_context(a):
        assert service.authenticate(plaintext) is None


def test_cli_cannot_revoke_another_tenants_key(runner, tenant_b, db_session):
    b = TenantRef(tenant_b.id, tenant_b.slug)  # the CLI closes the session; keep plain values
    with tenant_context(b):
        key, plaintext = service.create_key("B's key")
        key_id = key.id
        db_session.commit()
    result = runner.invoke(args=["apikeys", "revoke", "bac-ninh", str(key_id)])
    assert result.exit_code != 0 and "has no key" in result.output
    with tenant_context(b):
        assert service.authenticate(plaintext) is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["apikeys", "create", "nowhere", "--name", "x"], "no tenant 'nowhere'"),
        (["apikeys", "create", "bac-ninh", "--name", ""], "1 to 80 characters"),
        (["apikeys", "create", "bac-ninh", "--name", "x", "--kind", "prod"], "'prod' is not one of"),
    ],
)
def test_cli_errors_are_clear(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output
