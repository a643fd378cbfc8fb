"""A tenant's message template for one kind of dossier notice, in versions (notices/templates.py)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db


class MessageTemplate(TenantScoped, db.Model):
    """One version of a tenant's message for an event kind. Versions are never edited: a save adds one."""

    __tablename__ = "message_template"
    __table_args__ = (UniqueConstraint("tenant_id", "event_kind", "version"),)

    event_kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    text: Mapped[str] = mapped_column(Text)  # consultation message body (sandboxed Jinja)
    card_header: Mapped[str] = mapped_column(String(200))
    card_text: Mapped[str] = mapped_column(Text)
    status_colour: Mapped[str] = mapped_column(String(10))
    zns_template_id: Mapped[str | None] = mapped_column(String(40))
    zns_params: Mapped[dict] = mapped_column(JSON, default=dict)  # ZNS param name -> expression
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
