"""A tenant's Zalo connection: storing credentials and tokens, masking them, and its status."""

from datetime import datetime, timedelta

from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.zalo.constants import (
    REFRESH_FAILED,
    REFRESH_TOKEN_LIFETIME_DAYS,
    STATUS_CONNECTED,
    STATUS_NOT_CONNECTED,
    STATUS_REFRESH_FAILING,
    STATUS_TOKEN_EXPIRED,
)
from platform_core.zalo.models import ZaloConnection

MASK = "••••••"
SECRET_FIELDS = ("app_secret", "oa_secret_key", "access_token", "refresh_token")


def get_connection() -> ZaloConnection | None:
    """The connection of the tenant in context (the session scopes the query)."""
    return db.session.scalar(select(ZaloConnection))


# Read for every webhook and every notice: built once, so that db/session.py keeps their tenant-scoped copies.
_WEBHOOK_KEYS = select(ZaloConnection.app_id, ZaloConnection.oa_id, ZaloConnection.oa_secret_key)
_OA_NAME_AND_STATUS = select(ZaloConnection.oa_name, ZaloConnection.status)


def webhook_keys():
    """What checking a webhook's signature needs of the tenant in context's connection (app id, OA id, the OA
    secret key), or None: one narrow read that decrypts only the key, not the whole connection."""
    return db.session.execute(_WEBHOOK_KEYS).first()


def connected_oa_name() -> str | None:
    """The OA's name while the tenant in context is connected (messages name it), else None. Two columns, not
    the row: every dossier notice asks, and loading the row decrypts its four secrets."""
    row = db.session.execute(_OA_NAME_AND_STATUS).first()
    return name_while_connected(row.oa_name, row.status) if row is not None else None


def name_while_connected(oa_name: str | None, status: str | None) -> str | None:
    """The rule `connected_oa_name` applies, for a caller that read both columns in a query of its own."""
    return oa_name if status == STATUS_CONNECTED else None


def get_or_create_connection() -> ZaloConnection:
    connection = get_connection()
    if connection is None:
        connection = ZaloConnection(status=STATUS_NOT_CONNECTED)
        db.session.add(connection)
        db.session.flush()
    return connection


def mask(value: str | None) -> str | None:
    """Show that a secret is set without showing it: at most its last 4 characters."""
    if not value:
        return None
    return MASK + value[-4:] if len(value) >= 12 else MASK


def is_masked(value: str | None) -> bool:
    return bool(value) and value.startswith(MASK)


def save_credentials(connection: ZaloConnection, actor=None, **credentials) -> ZaloConnection:
    """Set app id, app secret, OA id, OA secret key. A masked value posted back keeps the stored one."""
    changed = []
    for field in ("app_id", "app_secret", "oa_id", "oa_secret_key"):
        value = credentials.get(field)
        if value is None or is_masked(value):
            continue
        value = value.strip()
        if value and value != getattr(connection, field):
            setattr(connection, field, value)
            changed.append(field)
    if changed:
        # The audit trail says which secrets changed, never their values.
        record_event("zalo_credentials_changed", actor=actor, target=connection, details={"fields": changed})
    return connection


def store_token_pair(connection: ZaloConnection, access_token: str, refresh_token: str, expires_in: int,
                     now: datetime | None = None) -> None:
    now = now or utcnow()
    connection.access_token = access_token
    connection.refresh_token = refresh_token
    connection.access_expires_at = now + timedelta(seconds=expires_in)
    connection.refresh_expires_at = now + timedelta(days=REFRESH_TOKEN_LIFETIME_DAYS)
    connection.refreshed_at = now
    connection.auth_failures = 0
    connection.status = STATUS_CONNECTED
    connection.reconnect_notified_at = None  # the next outage is news again
    connection.connected_at = connection.connected_at or now


def masked_view(connection: ZaloConnection | None) -> dict:
    """What pages and API answers may show of a connection."""
    if connection is None:
        return {"status": STATUS_NOT_CONNECTED}
    view = {
        "status": shown_status(connection),
        "app_id": connection.app_id,
        "oa_id": connection.oa_id,
        "oa_name": connection.oa_name,
        "access_expires_at": connection.access_expires_at,
        "last_error": connection.last_error,
        "last_error_at": connection.last_error_at,
    }
    view.update({field: mask(getattr(connection, field)) for field in SECRET_FIELDS})
    return view


def sending_paused(connection: ZaloConnection | None) -> bool:
    """Nothing is sent for a tenant whose connection is missing or needs an admin to reconnect it."""
    return connection is None or connection.status != STATUS_CONNECTED


# What shown_status reads: a connection row, or a select of just these columns (the operator's overview).
STATUS_COLUMNS = (ZaloConnection.status, ZaloConnection.access_expires_at, ZaloConnection.last_error,
                  ZaloConnection.last_error_at, ZaloConnection.refreshed_at)


def shown_status(connection, now: datetime | None = None) -> str:
    """What the consoles say: the stored status, unless it says connected while sending cannot work, because
    the access token has expired, or the last refresh failed after the last one that worked."""
    if connection is None:
        return STATUS_NOT_CONNECTED
    if connection.status != STATUS_CONNECTED:
        return connection.status
    if connection.access_expires_at is not None and connection.access_expires_at <= (now or utcnow()):
        return STATUS_TOKEN_EXPIRED
    if _refresh_failed_last(connection):
        return STATUS_REFRESH_FAILING
    return STATUS_CONNECTED


def _refresh_failed_last(connection) -> bool:
    failed_at = connection.last_error_at
    return bool(connection.last_error and connection.last_error.startswith(REFRESH_FAILED) and failed_at
                and (connection.refreshed_at is None or failed_at > connection.refreshed_at))
