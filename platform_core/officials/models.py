"""An official (a team member who receives notices) and the notices sent to them."""

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, SmallInteger, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.officials.constants import CREATED, SECRECY_NONE, URGENCY_NORMAL


class OfficialProfile(TenantScoped, db.Model):
    """What notices need to know about a team member. Their Zalo account is the follower linked to their user
    (zalo_follower.staff_user_id, zalo/staff_link.py); `external_ref` is their id in the province's systems."""

    __tablename__ = "official_profile"
    __table_args__ = (UniqueConstraint("tenant_id", "user_id"), UniqueConstraint("tenant_id", "external_ref"))

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("user_account.id"))
    external_ref: Mapped[str | None] = mapped_column(String(80))
    agency: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    digest_hour: Mapped[int] = mapped_column(SmallInteger, default=7)  # Vietnam time
    last_digest_on: Mapped[str | None] = mapped_column(String(10))  # ISO date of the last digest sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InternalNotice(TenantScoped, db.Model):
    """A notice to one official. `ack_code` is what the Zalo button sends back; secret documents keep their
    content here and never in a message. `link_url`, set only by the platform's own notices, opens the page
    where the matter is handled."""

    __tablename__ = "internal_notice"
    __table_args__ = (
        UniqueConstraint("tenant_id", "ack_code"),
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_internal_notice_tenant_user_status", "tenant_id", "user_id", "status"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(24))
    urgency: Mapped[str] = mapped_column(String(12), default=URGENCY_NORMAL)
    secrecy: Mapped[str] = mapped_column(String(12), default=SECRECY_NONE)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_system: Mapped[str | None] = mapped_column(String(40))
    source_ref: Mapped[str | None] = mapped_column(String(120))
    link_url: Mapped[str | None] = mapped_column(String(500))  # the page where it is handled (platform notices)
    idempotency_key: Mapped[str | None] = mapped_column(String(160))
    ack_code: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(14), default=CREATED)
    send_count: Mapped[int] = mapped_column(Integer, default=0)
    next_resend_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
