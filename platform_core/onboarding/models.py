"""Invitations (single-use links), a tenant's setup progress, its logo, and its go-live requests."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.onboarding.constants import GO_LIVE_PENDING, PURPOSE_PROVINCE_SETUP


class Invitation(TenantScoped, db.Model):
    """An e-mailed link that lets one person join a tenant with a role.

    `province_setup` invitations come from an operator and lead into the setup wizard as the first admin;
    `team` invitations come from a province admin. Only a hash of the link's secret is stored.
    """

    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("tenant_id", "token_hash"),)

    purpose: Mapped[str] = mapped_column(String(20), default=PURPOSE_PROVINCE_SETUP)
    email: Mapped[str] = mapped_column(String(254))
    contact_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64))
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))


class SetupProgress(TenantScoped, db.Model):
    """Where a tenant's setup wizard stands: the steps done (resumable) and the facts the checklist needs."""

    __tablename__ = "setup_progress"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    completed_steps: Mapped[list] = mapped_column(JSON, default=list)
    test_notification_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    templates_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ProvinceLogo(TenantScoped, db.Model):
    """The logo the province uploaded in setup step 1 (onboarding/profile.py), served at /<slug>/logo (logo.py).
    A file, not a province setting: settings are read whole for every request that needs one, and an image of up
    to 512 KB has no place in them (docs/architecture.md, "A new province setting")."""

    __tablename__ = "province_logo"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    data: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(40))  # as web/images.image_type told it from the first bytes
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class GoLiveRequest(TenantScoped, db.Model):
    """A province admin's request to leave trial, with the checklist as it stood, and the operator's decision."""

    __tablename__ = "go_live_request"

    status: Mapped[str] = mapped_column(String(12), default=GO_LIVE_PENDING)
    checklist: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
