"""Helpers for the Zalo tests: a connected tenant and signed webhook bodies."""

import json
import time

import pytest

from platform_core.extensions import db
from platform_core.zalo.client import ZaloClient
from platform_core.zalo.connection import get_or_create_connection, save_credentials, store_token_pair
from platform_core.zalo.webhooks import expected_signature
from tests.conftest import as_tenant

CREDENTIALS = {
    "bac-ninh": {"app_id": "1001001", "app_secret": "app-secret-bac-ninh", "oa_id": "3003001",
                 "oa_secret_key": "oa-secret-key-bac-ninh"},
    "da-nang": {"app_id": "1001002", "app_secret": "app-secret-da-nang", "oa_id": "3003002",
                "oa_secret_key": "oa-secret-key-da-nang"},
}


def connect(tenant, access_token="access-token-0", refresh_token="refresh-token-0", expires_in=90_000, **overrides):
    """Give `tenant` a connected ZaloConnection with known credentials (flushed, not committed)."""
    credentials = CREDENTIALS[tenant.slug] | overrides
    with as_tenant(tenant):
        connection = get_or_create_connection()
        save_credentials(connection, **credentials)
        store_token_pair(connection, access_token, refresh_token, expires_in)
        db.session.flush()  # inside the tenant's context: pending tenant rows may not flush outside it
        return connection


def signed(body: dict, slug: str = "bac-ninh", secret: str | None = None) -> tuple[bytes, dict]:
    """Serialise `body` once and sign the exact bytes as Zalo does (docs/zalo-oa.md §5)."""
    credentials = CREDENTIALS[slug]
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = expected_signature(credentials["app_id"], raw, str(body["timestamp"]),
                             secret or credentials["oa_secret_key"])
    return raw, {"X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json"}


def now_ms(offset_seconds: float = 0) -> str:
    return str(int((time.time() + offset_seconds) * 1000))


def user_text(text="HS-001", user_id="8000001", oa_id="3003001", msg_id="m-1", timestamp=None) -> dict:
    return {"app_id": "1001001", "sender": {"id": user_id}, "recipient": {"id": oa_id},
            "event_name": "user_send_text", "message": {"text": text, "msg_id": msg_id},
            "timestamp": timestamp or now_ms()}


def follow(user_id="8000001", oa_id="3003001", event="follow", timestamp=None) -> dict:
    return {"app_id": "1001001", "oa_id": oa_id, "follower": {"id": user_id}, "user_id_by_app": "app-" + user_id,
            "event_name": event, "source": "oa_profile", "timestamp": timestamp or now_ms()}


@pytest.fixture
def connected_a(tenant_a):
    return connect(tenant_a)


@pytest.fixture
def connected_b(tenant_b):
    return connect(tenant_b)


@pytest.fixture
def zalo_api(zalo_sandbox):
    """The product's Zalo client, pointed at the sandbox (no app needed)."""
    with ZaloClient(zalo_sandbox.oauth_url, zalo_sandbox.openapi_url, zalo_sandbox.business_url) as api:
        yield api


@pytest.fixture
def sandbox(app, zalo_sandbox, monkeypatch):
    """The Zalo sandbox, with the app's Zalo base URLs pointed at it (and a fresh client for them)."""
    monkeypatch.setitem(app.config, "ZALO_OAUTH_URL", zalo_sandbox.oauth_url)
    monkeypatch.setitem(app.config, "ZALO_OPENAPI_URL", zalo_sandbox.openapi_url)
    monkeypatch.setitem(app.config, "ZALO_BUSINESS_URL", zalo_sandbox.business_url)
    app.extensions.pop("motcua_zalo_client", None)
    yield zalo_sandbox
    app.extensions.pop("motcua_zalo_client", None)


def connect_to_sandbox(tenant, sandbox, **fields):
    """Seed an app+OA in the sandbox for `tenant`, mint tokens, and store them as the tenant's connection."""
    seeded = sandbox.add_app(tenant.slug, **fields)
    tokens = sandbox.mint_tokens(seeded.app_id)
    with as_tenant(tenant):
        connection = get_or_create_connection()
        save_credentials(connection, app_id=seeded.app_id, app_secret=seeded.app_secret, oa_id=seeded.oa_id,
                         oa_secret_key=seeded.oa_secret_key)
        store_token_pair(connection, tokens["access_token"], tokens["refresh_token"], int(tokens["expires_in"]))
        db.session.flush()
    return seeded, tokens
