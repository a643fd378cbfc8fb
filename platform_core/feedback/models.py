"""A feedback or petition (PAKN) with its deadlines, its history of steps, and its attachments."""

import uuid
from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.feedback.constants import CATEGORY_OTHER, SUBMITTED


class Feedback(TenantScoped, db.Model):
    """`code` is what the citizen quotes ("PA-2611-0042"); deadlines are computed in working days."""

    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        Index("ix_feedback_tenant_status", "tenant_id", "status"),
    )

    code: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=SUBMITTED)
    category: Mapped[str] = mapped_column(String(24), default=CATEGORY_OTHER)
    title: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    submitter_name: Mapped[str | None] = mapped_column(String(200))
    submitter_phone: Mapped[str | None] = mapped_column(String(16))
    submitter_address: Mapped[str | None] = mapped_column(String(300))
    zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    related_dossier_code: Mapped[str | None] = mapped_column(String(80))
    assigned_agency: Mapped[str | None] = mapped_column(String(200))
    forwarded_to: Mapped[str | None] = mapped_column(String(200))
    entered_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline_reject_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_supplement_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_answer_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deadline_publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reaction: Mapped[str | None] = mapped_column(String(8))  # like | dislike
    reaction_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class FeedbackEvent(TenantScoped, db.Model):
    """One step of a feedback's handling, in order: who did what, with the note the citizen may be told."""

    __tablename__ = "feedback_event"
    __table_args__ = (
        UniqueConstraint("tenant_id", "feedback_id", "seq"),
        ForeignKeyConstraint(["tenant_id", "feedback_id"], ["feedback.tenant_id", "feedback.id"]),
    )

    feedback_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    notified_citizen: Mapped[bool] = mapped_column(default=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedbackAttachment(TenantScoped, db.Model):
    """An image attached to a feedback (downloaded from Zalo's CDN or uploaded), type- and size-checked."""

    __tablename__ = "feedback_attachment"
    __table_args__ = (ForeignKeyConstraint(["tenant_id", "feedback_id"], ["feedback.tenant_id", "feedback.id"]),)

    feedback_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    source_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
