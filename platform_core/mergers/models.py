"""A merge of one tenant into another and its recorded progress (platform data, like the tenants)."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import Global
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.mergers.constants import FAREWELL, PLANNED


class TenantMerge(Global, db.Model):
    """`plan` holds the dry run's counts per table, `progress` what each phase has done; `cursor` is the last
    id the current phase finished in `table_name`, so a killed run resumes after it (every chunk commits its
    rows and its cursor together)."""

    __tablename__ = "tenant_merge"

    source_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenant.id"), index=True)
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenant.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=PLANNED)
    phase: Mapped[str] = mapped_column(String(16), default=FAREWELL)
    table_name: Mapped[str | None] = mapped_column(String(64))
    cursor: Mapped[str | None] = mapped_column(String(64))
    plan: Mapped[dict] = mapped_column(JSON, default=dict)
    progress: Mapped[dict] = mapped_column(JSON, default=dict)
    legal_ref: Mapped[str | None] = mapped_column(String(120))
    last_error: Mapped[str | None] = mapped_column(Text)
    started_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
