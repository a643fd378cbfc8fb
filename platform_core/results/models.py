"""A dossier's electronic result (the file is stored encrypted outside the database: results/storage.py) and a
province's allow-list of hosts results may be fetched from."""

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKeyConstraint, Index, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import UTCDateTime, utcnow
from platform_core.extensions import db


class DossierResult(TenantScoped, db.Model):
    """One file attached to a dossier. Attaching another replaces it (the older row stays, its file removed);
    the nightly purge removes the file after the retention period and keeps the row for the record."""

    __tablename__ = "dossier_result"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "dossier_id"], ["dossier.tenant_id", "dossier.id"]),
        Index("ix_dossier_result_tenant_dossier", "tenant_id", "dossier_id"),
        Index("ix_dossier_result_tenant_created", "tenant_id", "created_at"),
    )

    dossier_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(10))
    source_url: Mapped[str | None] = mapped_column(String(2000))
    notification_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    downloads: Mapped[int] = mapped_column(Integer, default=0)
    first_downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_downloaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResultSettings(TenantScoped, db.Model):
    """A province's settings for results: the hosts of its own systems a result may be fetched from by URL, and
    the ZNS template it registered with Zalo for results (docs/zalo-oa.md §3, "Results by ZNS"): its id and the
    names of its parameters for the dossier code and for the download link's path."""

    __tablename__ = "result_settings"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    allowed_hosts: Mapped[list] = mapped_column(JSON, default=list)
    zns_template_id: Mapped[str | None] = mapped_column(String(32))
    zns_code_param: Mapped[str | None] = mapped_column(String(64))
    zns_link_param: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
