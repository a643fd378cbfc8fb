"""The audit trail: a tenant's own log and the platform's (docs/architecture.md, "Tenancy")."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import Global, TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db


class _AuditFields:
    action: Mapped[str] = mapped_column(String(64), index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class AuditEvent(_AuditFields, TenantScoped, db.Model):
    """A security-relevant action inside one province (role and key changes, logins into it, ...)."""

    __tablename__ = "audit_event"


class PlatformAuditEvent(_AuditFields, Global, db.Model):
    """A security-relevant action with no tenant: logins, operator actions, cross-tenant access."""

    __tablename__ = "platform_audit_event"
