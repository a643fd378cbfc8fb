"""Provinces (the national registry, loaded from tenants/) and tenants (the provinces on the platform)."""

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_core.db.base import Global
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.tenancy.constants import STATUS_INVITED, UNIT_NAMES_VI


class Province(Global, db.Model):
    """A province-level unit after the 2025 merger, as published (tenants/<slug>/tenant.yaml)."""

    __tablename__ = "province"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(120))
    unit_type: Mapped[str] = mapped_column(String(16))
    predecessors: Mapped[list] = mapped_column(JSON, default=list)
    profile: Mapped[dict] = mapped_column(JSON, default=dict)
    source_checksum: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Tenant(Global, db.Model):
    """A province on the platform. The id is a surrogate: codes and names change with merges and renames."""

    __tablename__ = "tenant"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str | None] = mapped_column(String(2), index=True)
    name: Mapped[str] = mapped_column(String(120))
    unit_type: Mapped[str] = mapped_column(String(16), default="tinh")
    status: Mapped[str] = mapped_column(String(16), default=STATUS_INVITED)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Ho_Chi_Minh")
    successor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("tenant.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    history: Mapped[list["TenantHistory"]] = relationship(
        back_populates="tenant", order_by="TenantHistory.recorded_at", foreign_keys="TenantHistory.tenant_id"
    )

    @property
    def place_name(self) -> str:
        """The name messages and pages use, with the unit's kind: "tỉnh Lâm Đồng", "thành phố Bắc Ninh"."""
        return f"{UNIT_NAMES_VI.get(self.unit_type, UNIT_NAMES_VI['tinh'])} {self.name}"

    @property
    def place_title(self) -> str:
        """The same at the start of a heading or a sentence: "Thành phố Bắc Ninh"."""
        return self.place_name[:1].upper() + self.place_name[1:]

    def __repr__(self) -> str:
        return f"<Tenant {self.slug} {self.status}>"


class TenantHistory(Global, db.Model):
    """Renames, reclassifications, merges and status changes of a tenant (platform registry, not tenant data)."""

    __tablename__ = "tenant_history"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenant.id"), index=True)
    change: Mapped[str] = mapped_column(String(16))
    effective_date: Mapped[date | None] = mapped_column(Date)
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    legal_ref: Mapped[str | None] = mapped_column(String(120))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    tenant: Mapped[Tenant] = relationship(back_populates="history", foreign_keys=[tenant_id])


class TenantSlugAlias(Global, db.Model):
    """An old slug (after a rename or merge) that redirects to the tenant that now owns it."""

    __tablename__ = "tenant_slug_alias"
    __table_args__ = (UniqueConstraint("slug"),)

    slug: Mapped[str] = mapped_column(String(64))
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenant.id"), index=True)
