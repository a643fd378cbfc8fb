"""Consent evidence per citizen and purpose, and follower tags (the retention periods are a province setting)."""

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db


class Consent(TenantScoped, db.Model):
    """One grant of consent for one purpose; withdrawal stamps `withdrawn_at` (the row stays as evidence).
    A citizen is identified by their OA-scoped Zalo user id, or by phone when they have none."""

    __tablename__ = "consent"
    __table_args__ = (  # the delivery screen looks a citizen up by either address for every message
        Index("ix_consent_tenant_zalo_user_id", "tenant_id", "zalo_user_id"),
        Index("ix_consent_tenant_phone", "tenant_id", "phone_e164"),
    )

    zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(24))
    method: Mapped[str] = mapped_column(String(20))
    notice_version: Mapped[str] = mapped_column(String(20))
    evidence: Mapped[str | None] = mapped_column(Text)  # what was shown/answered, or the event id
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_method: Mapped[str | None] = mapped_column(String(20))


class FollowerTag(TenantScoped, db.Model):
    """A label on a follower (from Zalo's tag events or set by the province), used to choose an audience."""

    __tablename__ = "follower_tag"
    __table_args__ = (UniqueConstraint("tenant_id", "zalo_user_id", "tag"),)

    zalo_user_id: Mapped[str] = mapped_column(String(40))
    tag: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
