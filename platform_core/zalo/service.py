"""Connecting a tenant without the browser (CLI, onboarding's manual step), the connectivity check, and the
quota the console shows."""

from dataclasses import dataclass

from flask import current_app

from platform_core.audit.service import record_event
from platform_core.extensions import db
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.connection import get_or_create_connection, save_credentials, store_token_pair
from platform_core.zalo.constants import ACCESS_TOKEN_LIFETIME_SECONDS
from platform_core.zalo.jobs import start_follower_import
from platform_core.zalo.tokens import with_access_token


@dataclass(frozen=True)
class ManualCredentials:
    app_id: str
    app_secret: str
    oa_id: str
    oa_secret_key: str
    access_token: str
    refresh_token: str
    expires_in: int = ACCESS_TOKEN_LIFETIME_SECONDS


def connect_manually(credentials: ManualCredentials, verify: bool = True, actor=None):
    """Store credentials and tokens for the tenant in context; with `verify`, ask Zalo who the OA is first
    (a ZaloError propagates and nothing is stored). Then, as the OAuth connect does, the OA's existing
    followers are imported (zalo/follower_import.py): `make run` connects its provinces this way."""
    oa_name = None
    if verify:
        info = zalo_client().oa_info(credentials.access_token)
        if info.oa_id != credentials.oa_id:
            raise ValueError(f"the access token belongs to OA {info.oa_id}, not {credentials.oa_id}")
        oa_name = info.name
    connection = get_or_create_connection()
    save_credentials(connection, actor=actor, app_id=credentials.app_id, app_secret=credentials.app_secret,
                     oa_id=credentials.oa_id, oa_secret_key=credentials.oa_secret_key)
    store_token_pair(connection, credentials.access_token, credentials.refresh_token, credentials.expires_in)
    connection.oa_name = oa_name or connection.oa_name
    record_event("zalo_connected", actor=actor, target=connection, details={"oa_id": credentials.oa_id,
                                                                            "via": "manual"})
    db.session.commit()
    start_follower_import("connect", actor=actor)
    return connection


def webhook_url(tenant_slug: str) -> str:
    """What the admin pastes into Zalo's developer console (absolute, from PUBLIC_BASE_URL)."""
    path = current_app.url_map.bind("").build("zalo.webhook", {"tenant_slug": tenant_slug})
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def zns_quota():
    """Zalo's ZNS daily quota for the tenant's OA (GET /message/quota, docs/zalo-oa.md §3), with the per-minute
    request budget Zalo reported on the same answer. Raises ZaloError or ZaloNotConnected."""
    client = zalo_client()
    return with_access_token(client, client.zns_quota)


def send_test_message(zalo_user_id: str, text: str):
    """Send one consultation message now (no queue): the connectivity check. Raises ZaloError."""
    client = zalo_client()
    result = with_access_token(client, lambda token: client.send_text(token, zalo_user_id, text))
    db.session.commit()
    return result
