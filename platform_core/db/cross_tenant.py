"""The one audited way to read or write across tenants (operator console, sweepers, sync).

`with cross_tenant("why", actor=user):` lifts the ORM scoping and, on PostgreSQL, tells row-level security that
this transaction may see every tenant. Each use records a platform audit event with the reason and the actor,
in the caller's transaction.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_reason: ContextVar[str | None] = ContextVar("motcua_cross_tenant_reason", default=None)


def cross_tenant_reason() -> str | None:
    return _reason.get()


@contextmanager
def cross_tenant(reason: str, actor=None, audit: bool = True) -> Iterator[None]:
    """`audit=False` is for the platform's own loops (pump, sweepers) that cross tenants several times a
    second: they record one `cross_tenant_access` event when the process starts (`record_standing_access`)
    instead of one per pass, which would flood the audit log. People always leave an event."""
    if not reason or not reason.strip():
        raise ValueError("cross-tenant access needs a reason")
    if audit:
        record_standing_access(reason, actor=actor)
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


def record_standing_access(reason: str, actor=None) -> None:
    """The audit event for cross-tenant access (written in the caller's transaction)."""
    from platform_core.auth.audit import record_event  # late: auth builds on the db layer

    record_event("cross_tenant_access", actor=actor, details={"reason": reason}, platform=True)
