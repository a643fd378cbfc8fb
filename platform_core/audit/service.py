"""`record_event`: one audit row per security-relevant action, written in the caller's transaction."""

from flask import has_request_context, request

from platform_core.audit.models import AuditEvent, PlatformAuditEvent
from platform_core.db.tenant_context import current_tenant_id
from platform_core.extensions import db


def record_event(action: str, actor=None, target=None, details: dict | None = None, platform: bool = False,
                 session=None):
    """Tenant events go to the tenant's own log; with no tenant in context (or platform=True), the platform's.

    `details` must never hold a secret: record that a secret changed, not its value. `session` defaults to
    the request's or job's session.
    """
    tenant_id = current_tenant_id()
    model = PlatformAuditEvent if platform or tenant_id is None else AuditEvent
    event = model(
        action=action,
        **({"tenant_id": tenant_id} if model is AuditEvent else {}),
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None),
        target_type=type(target).__name__ if target is not None else None,
        target_id=str(target.id) if target is not None else None,
        details=details or {},
    )
    if has_request_context():
        event.ip_address = request.remote_addr
        event.user_agent = (request.user_agent.string or "")[:255]
    (session or db.session).add(event)
    return event


def record_cross_tenant(reason: str, actor=None):
    """db/cross_tenant.py's access listener: the platform event naming why tenants were crossed, and by whom."""
    return record_event("cross_tenant_access", actor=actor, details={"reason": reason}, platform=True)


def record_platform_event(action: str, actor=None, target=None, details: dict | None = None):
    """tenancy/service.py's audit listener: a tenant's creation or status change, on the platform's log."""
    return record_event(action, actor=actor, target=target, details=details, platform=True)
