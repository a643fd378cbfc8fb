"""A policy-news broadcast and the per-day ledger that keeps Zalo's one-promotion-per-citizen-per-day rule."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.broadcasts.constants import AUDIENCE_ALL, CHANNEL_PROMOTION, DRAFT
from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db


class Broadcast(TenantScoped, db.Model):
    """`audience` is {"kind": all|tag|procedure|communes, "tag"?, "procedure_code"?, "communes"?: [...]}.

    Planning walks the audience in follower-id order and writes deliveries in chunks; `plan_cursor` is the
    last follower id planned, so a crashed planner resumes where it stopped. The deliveries belong to the
    broadcast's single notification (`notification_id`); progress counts come from them."""

    __tablename__ = "broadcast"

    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    article_url: Mapped[str | None] = mapped_column(String(500))
    image: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)  # up to 1 MB: read when used
    image_content_type: Mapped[str | None] = mapped_column(String(40))
    image_attachment_id: Mapped[str | None] = mapped_column(String(120))  # Zalo upload id, refreshed when stale
    image_uploaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audience: Mapped[dict] = mapped_column(JSON, default=lambda: {"kind": AUDIENCE_ALL})
    # The way it goes: per-follower promotion cards (planned deliveries), or one article broadcast to every
    # follower Zalo's `article_target` ({ages, gender, regions, cities}) matches (docs/zalo-oa.md §2.1).
    channel: Mapped[str] = mapped_column(String(12), default=CHANNEL_PROMOTION, server_default=CHANNEL_PROMOTION)
    article_target: Mapped[dict | None] = mapped_column(JSON)
    cover_url: Mapped[str | None] = mapped_column(String(500))  # the article's cover photo
    zalo_article_id: Mapped[str | None] = mapped_column(String(64))  # kept once created: a retry reuses it
    zalo_message_id: Mapped[str | None] = mapped_column(String(64))  # Zalo's id of the broadcast
    zalo_error_code: Mapped[int | None] = mapped_column(Integer)  # why Zalo refused the broadcast
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    notification_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    plan_cursor: Mapped[str | None] = mapped_column(String(40))
    planned_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)  # already messaged today, no consent...
    planning_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the last try to upload the banner or plan failed (Zalo's code and words); cleared when one succeeds.
    planning_error: Mapped[str | None] = mapped_column(String(500))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PromotionLedger(TenantScoped, db.Model):
    """Who has been given a promotion message on a Vietnam-time day: the unique key is the rule itself."""

    __tablename__ = "promotion_ledger"
    __table_args__ = (UniqueConstraint("tenant_id", "local_date", "zalo_user_id"),)

    local_date: Mapped[date] = mapped_column(Date)
    zalo_user_id: Mapped[str] = mapped_column(String(40))
    broadcast_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
