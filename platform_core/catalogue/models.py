"""A province's catalogue of administrative procedures (thủ tục hành chính)."""

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db


class Procedure(TenantScoped, db.Model):
    __tablename__ = "procedure"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    agency: Mapped[str] = mapped_column(String(200))
    processing_time_value: Mapped[int | None] = mapped_column(Integer)
    processing_time_unit: Mapped[str | None] = mapped_column(String(16))
    processing_time_note: Mapped[str | None] = mapped_column(String(200))
    fee_vnd: Mapped[int | None] = mapped_column(Integer)
    fee_note: Mapped[str | None] = mapped_column(String(300))
    online_level: Mapped[str] = mapped_column(String(16))
    result: Mapped[str | None] = mapped_column(Text)
    required_documents: Mapped[str | None] = mapped_column(Text)  # thành phần hồ sơ, one paper a line
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    source_checksum: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def document_list(self) -> list[str]:
        """The required documents as a list (stored one a line, columns.parse_documents)."""
        return [line for line in (self.required_documents or "").splitlines() if line.strip()]
