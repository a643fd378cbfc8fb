"""The outbox: a notification (what happened, for whom) and its deliveries (one per recipient and channel)."""

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.delivery.constants import CLASS_TX, PENDING
from platform_core.extensions import db


class Notification(TenantScoped, db.Model):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("tenant_id", "idempotency_key"),
        ForeignKeyConstraint(["tenant_id", "dossier_id"], ["dossier.tenant_id", "dossier.id"]),
    )

    event_kind: Mapped[str] = mapped_column(String(40))
    message_class: Mapped[str] = mapped_column(String(8), default=CLASS_TX)
    idempotency_key: Mapped[str] = mapped_column(String(160))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)  # from a `test` API key: never reaches Zalo
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deliveries: Mapped[list["Delivery"]] = relationship(
        back_populates="notification",
        primaryjoin="and_(Notification.tenant_id == Delivery.tenant_id, Notification.id == Delivery.notification_id)",
    )


class Delivery(TenantScoped, db.Model):
    __tablename__ = "delivery"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "notification_id"], ["notification.tenant_id", "notification.id"]),
        Index("ix_delivery_due", "tenant_id", "state", "message_class", "next_attempt_at"),  # the pump
        Index("ix_delivery_tenant_provider_message_id", "tenant_id", "provider_message_id"),
        Index("ix_delivery_tenant_claim_token", "tenant_id", "claim_token"),
        Index("ix_delivery_tenant_notification", "tenant_id", "notification_id", "state"),  # broadcast progress
        Index("ix_delivery_tenant_created", "tenant_id", "created_at"),  # reports' period filters
        Index("ix_delivery_tenant_sent", "tenant_id", "sent_at"),
    )

    # Its key to the notification, (tenant_id, notification_id), ties it to a tenant; checking a key of its own to
    # tenant on every row was 15 % of a broadcast's planning on PostgreSQL (README, Performance).
    tenant_implied_by_parent = True
    notification_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    recipient_zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    recipient_phone: Mapped[str | None] = mapped_column(String(16))
    channel: Mapped[str | None] = mapped_column(String(16))
    channel_reason: Mapped[str | None] = mapped_column(String(200))
    fallback_from: Mapped[str | None] = mapped_column(String(16))
    message_class: Mapped[str] = mapped_column(String(8), default=CLASS_TX)
    template_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    template_version: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sending_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    provider_message_id: Mapped[str | None] = mapped_column(String(80))
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_message: Mapped[str | None] = mapped_column(Text)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    notification: Mapped[Notification] = relationship(
        back_populates="deliveries",
        primaryjoin="and_(Notification.tenant_id == Delivery.tenant_id, Notification.id == Delivery.notification_id)",
    )


class RatePolicy(TenantScoped, db.Model):
    """A tenant's sending limits per message class (operators set them; defaults in constants.py)."""

    __tablename__ = "rate_policy"
    __table_args__ = (UniqueConstraint("tenant_id", "message_class"),)

    message_class: Mapped[str] = mapped_column(String(8))
    per_minute: Mapped[int] = mapped_column(Integer)
    burst: Mapped[int] = mapped_column(Integer)
    daily_cap: Mapped[int | None] = mapped_column(Integer)


class GuestListEntry(TenantScoped, db.Model):
    """A citizen a province in trial may message besides its own team (Notify's guest list)."""

    __tablename__ = "guest_list_entry"

    label: Mapped[str] = mapped_column(String(120))
    zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
