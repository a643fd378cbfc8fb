"""The one audited way to read or write across tenants (operator console, sweepers, sync).

`with cross_tenant("why", actor=user):` lifts the ORM scoping and, on PostgreSQL, tells row-level security that
this transaction may see every tenant. Each use records a platform audit event with the reason and the actor,
in the caller's transaction: the audit service (platform_core/audit/) is above this layer, so it is reached
through the access listener platform_core/wiring.py registers (`on_access`), never imported. With no listener
registered, crossing tenants is refused rather than left unaudited.

When the block ends, the tenant rows it loaded leave the session (their changes flushed first): otherwise the
identity map would keep another tenant's row, and a later `session.get()` in a tenant context could be handed it
without any SQL, so without the tenant criteria.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import inspect
from sqlalchemy.orm import object_session

_reason: ContextVar[str | None] = ContextVar("motcua_cross_tenant_reason", default=None)
_access_listeners: list[Callable[..., object]] = []


def on_access(listener: Callable[..., object]) -> None:
    """`listener(reason, actor=...)` records each audited crossing (the audit service's `record_cross_tenant`)."""
    _access_listeners.append(listener)


_loaded: ContextVar[list | None] = ContextVar("motcua_cross_tenant_loaded", default=None)


def cross_tenant_reason() -> str | None:
    return _reason.get()


def note_loaded(instance) -> None:
    """The session reports each tenant row it loads (db/session.py); only a cross_tenant block keeps them."""
    loaded = _loaded.get()
    if loaded is not None:
        loaded.append(instance)


@contextmanager
def cross_tenant(reason: str, actor=None, audit: bool = True) -> Iterator[None]:
    """`audit=False` is for the platform's own loops (pump, sweepers) that cross tenants several times a
    second: they record one `cross_tenant_access` event when the process starts (`record_standing_access`)
    instead of one per pass, which would flood the audit log. People always leave an event."""
    if not reason or not reason.strip():
        raise ValueError("cross-tenant access needs a reason")
    if audit:
        record_standing_access(reason, actor=actor)
    token, loaded_token = _reason.set(reason), _loaded.set([])
    completed = False
    try:
        yield
        completed = True
    finally:
        try:
            _forget(_loaded.get(), flush_changes=completed)  # still crossing: the flush may write any tenant's
        finally:
            _loaded.reset(loaded_token)
            _reason.reset(token)


def _forget(loaded: list, flush_changes: bool) -> None:
    """Expunge the rows loaded in the block, after flushing what was changed on them (an expunged row's
    pending change would be lost silently)."""
    by_session = defaultdict(list)
    for row in loaded:
        if (session := object_session(row)) is not None:
            by_session[session].append(row)
    for session, rows in by_session.items():
        deleting = session.deleted
        if flush_changes and any(inspect(row).modified or row in deleting for row in rows):
            session.flush()
        for row in rows:
            if row in session:
                session.expunge(row)


def record_standing_access(reason: str, actor=None) -> None:
    """The audit event for cross-tenant access (written in the caller's transaction)."""
    if not _access_listeners:
        raise RuntimeError("cross-tenant access cannot be audited: no access listener is registered")
    for listener in _access_listeners:
        listener(reason, actor=actor)
