"""A dossier's rating invitation (one per dossier, carries the signed link's nonce) and its rating."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKeyConstraint, SmallInteger, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.ratings.constants import INVITED


class RatingInvitation(TenantScoped, db.Model):
    """Sent when a dossier is returned (10, or 9 with an electronic result). The signed link names this row
    and its nonce, so it cannot be used for another dossier; it stops working at `expires_at`."""

    __tablename__ = "rating_invitation"
    __table_args__ = (
        UniqueConstraint("tenant_id", "dossier_id"),
        UniqueConstraint("tenant_id", "nonce"),
        ForeignKeyConstraint(["tenant_id", "dossier_id"], ["dossier.tenant_id", "dossier.id"]),
    )

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    nonce: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), default=INVITED)
    zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    notification_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Rating(TenantScoped, db.Model):
    """One per dossier; editable until `editable_until` (24 hours after the first submission).

    `procedure_code` and `agency` are copied from the dossier's procedure when rated, so reports group by them
    without joining the catalogue as it is today."""

    __tablename__ = "rating"
    __table_args__ = (
        UniqueConstraint("tenant_id", "dossier_id"),
        ForeignKeyConstraint(["tenant_id", "dossier_id"], ["dossier.tenant_id", "dossier.id"]),
    )

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    invitation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    channel: Mapped[str] = mapped_column(String(16))
    score: Mapped[int] = mapped_column(SmallInteger)
    criteria_scores: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion code -> 1..5
    tags: Mapped[list] = mapped_column(JSON, default=list)
    comment: Mapped[str | None] = mapped_column(Text)
    procedure_code: Mapped[str] = mapped_column(String(40))
    agency: Mapped[str | None] = mapped_column(String(200))
    zns_msg_id: Mapped[str | None] = mapped_column(String(80))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    editable_until: Mapped[datetime] = mapped_column(UTCDateTime)
