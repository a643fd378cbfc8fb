"""One row per (province, setting) that was ever saved; a setting with no row reads as its default."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import EncryptedText, UTCDateTime, utcnow
from platform_core.extensions import db


class ProvinceSetting(TenantScoped, db.Model):
    """`value` holds the setting as JSON; a secret setting (definitions.Setting.secret) is held as JSON text in
    `secret_value` instead, encrypted at rest (and re-encrypted by `flask keys rotate` like every EncryptedText)."""

    __tablename__ = "province_setting"
    __table_args__ = (UniqueConstraint("tenant_id", "key"),)

    key: Mapped[str] = mapped_column(String(40))
    value: Mapped[object | None] = mapped_column(JSON)
    secret_value: Mapped[str | None] = mapped_column(EncryptedText)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
