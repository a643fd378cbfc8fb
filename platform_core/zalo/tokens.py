"""Access tokens for a tenant's OA: proactive refresh before expiry, reactive refresh on an auth error.

Zalo's refresh token is single-use (docs/zalo-oa.md §1): two processes refreshing at once would burn it and lock
the province out. So every refresh runs under a per-tenant Redis lock (TTL longer than the HTTP timeout)
plus a row lock on PostgreSQL, re-reads the row once it holds the lock (someone else may have refreshed
already), and commits the new pair before anyone uses it. A failed refresh never overwrites good tokens;
after MAX_AUTH_FAILURES the tenant is flagged "reconnect needed", its sending pauses, and its admins are
told once.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from redis.exceptions import LockError, RedisError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from platform_core.audit.service import record_event
from platform_core.db.session import isolated_session
from platform_core.db.sqlite import begin_read_only
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.zalo.connection import get_connection, store_token_pair
from platform_core.zalo.constants import (
    MAX_AUTH_FAILURES,
    REFRESH_FAILED,
    REFRESH_MARGIN_SECONDS,
    STATUS_RECONNECT_NEEDED,
)
from platform_core.zalo.errors import ErrorInfo, Family, OAuthError, Outcome, ZaloError, int_or_none
from platform_core.zalo.models import ZaloConnection

log = logging.getLogger(__name__)
T = TypeVar("T")

LOCK_TIMEOUT_SECONDS = 60  # longer than the client's connect + read timeouts
LOCK_WAIT_SECONDS = 75


class ZaloNotConnected(RuntimeError):
    """The tenant has no usable connection (never connected, or an admin must reconnect it)."""


class TokenRefreshUnavailable(ZaloError):
    """The refresh could not be attempted (its lock, Redis or the database failed): try again later."""

    def __init__(self, cause: Exception):
        info = ErrorInfo(None, Family.OAUTH, Outcome.RETRY,
                         "Chưa làm mới được mã truy cập Zalo (hệ thống bận); hệ thống sẽ thử lại.",
                         "The Zalo access token could not be refreshed just now (system busy); it will be retried.")
        super().__init__(info, f"token refresh unavailable: {type(cause).__name__}")


def with_access_token(client, call: Callable[[str], T]) -> T:
    """Run `call(access_token)`; on an auth error (-216/-220/-124) refresh once and retry once.

    The session's transaction is committed first, so that no database lock or snapshot is held while waiting
    on the refresh lock or on the network: call it with nothing half-written, and `call` must not touch ORM
    objects."""
    token = current_access_token(client)
    try:
        return call(token)
    except ZaloError as error:
        if error.outcome is not Outcome.REFRESH_TOKEN:
            raise
        log.info("zalo auth error %s, refreshing", error.code, extra=_log_extra())
        return call(refresh_access_token(client, stale_token=token))


def current_access_token(client) -> str:
    """The stored token, refreshed first when it expires soon. Ends the session's transaction."""
    db.session.commit()
    begin_read_only(db.session)
    try:
        connection = get_connection()
        _require_usable(connection)
        token, expiring = connection.access_token, _expires_soon(connection)
    finally:
        db.session.commit()
    return refresh_access_token(client, stale_token=token) if expiring else token


def refresh_access_token(client, stale_token: str | None) -> str:
    """Return a fresh access token, refreshing at most once across all processes for this tenant.

    No transaction of ours may be open while we wait for the lock: on SQLite the holder's write would wait
    for our write lock while we wait for it (a deadlock that ends in "database is locked" for everyone). So
    the caller's transaction is committed first. Every failure is recorded on the connection, so that the
    consoles show it."""
    db.session.commit()
    lock = get_redis().lock(f"motcua:zalo-refresh:{require_tenant().id}", timeout=LOCK_TIMEOUT_SECONDS,
                            blocking_timeout=LOCK_WAIT_SECONDS)
    try:
        with lock:
            return _refresh_holding_lock(client, stale_token)
    except (ZaloError, ZaloNotConnected):
        raise  # a Zalo answer is recorded where it is read; not connected is nothing to record
    except (LockError, RedisError, SQLAlchemyError) as error:
        _record_unavailable(error)
        raise TokenRefreshUnavailable(error) from error


def _refresh_holding_lock(client, stale_token: str | None) -> str:
    with isolated_session(db.session) as session:
        connection = session.scalar(select(ZaloConnection).with_for_update())
        _require_usable(connection)
        if connection.access_token != stale_token and not _expires_soon(connection):
            return connection.access_token  # another worker refreshed while we waited for the lock
        try:
            pair = client.refresh(connection.app_id, connection.app_secret, connection.refresh_token)
        except ZaloError as error:
            _record_refresh_failure(session, connection, error)
            session.commit()
            raise
        store_token_pair(connection, pair.access_token, pair.refresh_token, pair.expires_in)
        connection.last_error = None
        session.commit()  # persisted before anyone uses the new token
        log.info("zalo tokens refreshed", extra=_log_extra())
        return pair.access_token


def _record_unavailable(error: Exception) -> None:
    """Say on the connection that a refresh could not be done here (lock, Redis or database), when the
    database can still be written; the refresh token is not at fault, so no auth failure is counted."""
    log.warning("zalo token refresh not done: %s", type(error).__name__, extra=_log_extra())
    try:
        with isolated_session(db.session) as session:
            connection = session.scalar(select(ZaloConnection))
            if connection is not None:
                connection.last_error = f"{REFRESH_FAILED}: {type(error).__name__}"
                connection.last_error_at = utcnow()
                session.commit()
    except SQLAlchemyError:
        log.warning("zalo token refresh failure could not be recorded", extra=_log_extra())


def _record_refresh_failure(session, connection: ZaloConnection, error: ZaloError) -> None:
    connection.last_error = f"{REFRESH_FAILED}: {error.code} {error.message}"[:500]  # refused_code reads it
    connection.last_error_at = utcnow()
    if not isinstance(error, OAuthError):
        return  # a network failure says nothing about the refresh token
    connection.auth_failures += 1
    log.warning("zalo token refresh refused (%s of %s)", connection.auth_failures, MAX_AUTH_FAILURES,
                extra=_log_extra())
    if connection.auth_failures >= MAX_AUTH_FAILURES and connection.status != STATUS_RECONNECT_NEEDED:
        flag_reconnect_needed(session, connection)


def refused_code(last_error: str | None) -> int | None:
    """Zalo's error code in a `last_error` that _record_refresh_failure wrote ("refresh failed: -14014 …"); None
    for anything else (a refresh not done here says the exception's name instead of a code)."""
    prefix = f"{REFRESH_FAILED}: "
    if not last_error or not last_error.startswith(prefix):
        return None
    return int_or_none(last_error.removeprefix(prefix).split(" ", 1)[0])


def flag_reconnect_needed(session, connection: ZaloConnection) -> None:
    """Pause the tenant's sending and tell its admins, once per outage."""
    connection.status = STATUS_RECONNECT_NEEDED
    if connection.reconnect_notified_at is None:
        connection.reconnect_notified_at = utcnow()
        record_event("zalo_reconnect_needed", target=connection, details={"reason": connection.last_error},
                     session=session)
        log.error("zalo connection needs an admin to reconnect; sending paused", extra=_log_extra())


def _require_usable(connection: ZaloConnection | None) -> None:
    if connection is None or not connection.refresh_token:
        raise ZaloNotConnected("this province has not connected its Zalo OA")
    if connection.status == STATUS_RECONNECT_NEEDED:
        raise ZaloNotConnected("the Zalo connection needs an admin to reconnect it")


def _expires_soon(connection: ZaloConnection) -> bool:
    expires_at = connection.access_expires_at
    return expires_at is None or expires_at <= utcnow() + timedelta(seconds=REFRESH_MARGIN_SECONDS)


def _log_extra() -> dict:
    return {"tenant_id": str(require_tenant().id)}
