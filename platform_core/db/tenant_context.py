"""The current tenant, held in one contextvar that requests, jobs and CLI commands all set (tenancy/ resolves it).

Nothing here touches the database: the DB layer reads the context, it never sets it.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class TenantRef:
    """What the platform layers need to know about the tenant in force."""

    id: uuid.UUID
    slug: str


class TenantContextMissing(RuntimeError):
    """A tenant-scoped operation ran with no tenant in context (the fail-closed guard)."""


_current: ContextVar[TenantRef | None] = ContextVar("motcua_current_tenant", default=None)
_change_listeners: list = []


def on_tenant_change(callback) -> None:
    """Register `callback()` to run after every change of tenant (the DB layer re-tells PostgreSQL)."""
    _change_listeners.append(callback)


def _changed() -> None:
    for callback in _change_listeners:
        callback()


def current_tenant() -> TenantRef | None:
    return _current.get()


def current_tenant_id() -> uuid.UUID | None:
    tenant = _current.get()
    return tenant.id if tenant else None


def require_tenant() -> TenantRef:
    tenant = _current.get()
    if tenant is None:
        raise TenantContextMissing("no tenant in context")
    return tenant


def set_current_tenant(tenant: TenantRef | None):
    """Set the tenant; returns the token that `reset_current_tenant` takes (used by request hooks)."""
    token = _current.set(tenant)
    _changed()
    return token


def reset_current_tenant(token) -> None:
    _current.reset(token)
    _changed()


@contextmanager
def tenant_context(tenant: TenantRef) -> Iterator[TenantRef]:
    """Run a block as `tenant`; the previous context (usually none) comes back afterwards."""
    token = set_current_tenant(tenant)
    try:
        yield tenant
    finally:
        reset_current_tenant(token)
