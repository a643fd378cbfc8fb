"""`record_event`: one audit row per security-relevant action, written in the caller's transaction."""

from flask import has_request_context, request

from platform_core.auth.models import AuditEvent, PlatformAuditEvent
from platform_core.extensions import db
from platform_core.tenancy.context import current_tenant_id


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
