"""Dossiers (hồ sơ) sent to us by a province's one-stop software, and their event history."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKeyConstraint, Index, Integer, SmallInteger, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.delivery.models import Notification
from platform_core.extensions import db
from platform_core.text import code_key


class Dossier(TenantScoped, db.Model):
    __tablename__ = "dossier"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        Index("ix_dossier_tenant_id_code_key", "tenant_id", "code_key"),
        Index("ix_dossier_tenant_received", "tenant_id", "received_at"),  # reports' period filters
        Index("ix_dossier_tenant_completed", "tenant_id", "completed_at"),
        ForeignKeyConstraint(["tenant_id", "procedure_id"], ["procedure.tenant_id", "procedure.id"]),
    )

    code: Mapped[str] = mapped_column(String(80))
    code_key: Mapped[str] = mapped_column(String(80))  # platform_core.text.code_key(code): how citizens type it
    external_id: Mapped[str | None] = mapped_column(String(120))
    procedure_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    procedure_code: Mapped[str] = mapped_column(String(40))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_phone: Mapped[str | None] = mapped_column(String(16))
    applicant_zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[int] = mapped_column(SmallInteger)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revised_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supplement_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    supplement_paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    request_checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @validates("code")
    def _keep_code_key(self, _key, code: str) -> str:
        self.code_key = code_key(code)
        return code

    events: Mapped[list["DossierEvent"]] = relationship(
        back_populates="dossier", order_by="DossierEvent.seq", cascade="all, delete-orphan",
        primaryjoin="and_(Dossier.tenant_id == DossierEvent.tenant_id, Dossier.id == DossierEvent.dossier_id)",
    )
    # What the citizen was sent about it (written through the outbox by the events' listeners, never here).
    notifications: Mapped[list[Notification]] = relationship(
        viewonly=True, order_by=(Notification.created_at, Notification.id),
        primaryjoin="and_(Dossier.tenant_id == Notification.tenant_id, Dossier.id == Notification.dossier_id)",
    )


class DossierEvent(TenantScoped, db.Model):
    """One thing that happened to a dossier, in order. Status changes carry from/to; an apology does not."""

    __tablename__ = "dossier_event"
    __table_args__ = (
        UniqueConstraint("tenant_id", "dossier_id", "seq"),
        UniqueConstraint("tenant_id", "idempotency_key"),
        ForeignKeyConstraint(["tenant_id", "dossier_id"], ["dossier.tenant_id", "dossier.id"]),
    )

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[int | None] = mapped_column(SmallInteger)
    to_status: Mapped[int | None] = mapped_column(SmallInteger)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    missing_documents: Mapped[list] = mapped_column(JSON, default=list)
    new_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(120))
    request_checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(
        back_populates="events",
        primaryjoin="and_(Dossier.tenant_id == DossierEvent.tenant_id, Dossier.id == DossierEvent.dossier_id)",
    )
