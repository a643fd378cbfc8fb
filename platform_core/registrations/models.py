"""The procedures a province takes registrations for on Zalo (and the fields each form asks), and the
registrations citizens submitted."""

import json
from datetime import datetime

from sqlalchemy import JSON, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import TenantScoped
from platform_core.db.types import EncryptedText, UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.registrations.constants import STATUS_NEW


class RegistrationProcedure(TenantScoped, db.Model):
    """A procedure open to registration on Zalo: a row per procedure (none: the bot does not offer it)."""

    __tablename__ = "registration_procedure"
    __table_args__ = (UniqueConstraint("tenant_id", "procedure_code"),)

    procedure_code: Mapped[str] = mapped_column(String(40))
    fields: Mapped[list] = mapped_column(JSON, default=list)  # constants.FIELDS, in the form's order
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Registration(TenantScoped, db.Model):
    """A citizen's form, waiting for the province's one-stop software: new -> acknowledged -> linked (to the
    dossier it created). The answers (a CCCD number among them) are encrypted at rest, as JSON; the nightly
    purge and a citizen's erasure blank them (`answers_removed_at`), the row stays for the counts."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("tenant_id", "token_digest"),  # a link submits once
        Index("ix_registration_tenant_status_created", "tenant_id", "status", "created_at"),
        Index("ix_registration_tenant_user", "tenant_id", "zalo_user_id"),
    )

    procedure_code: Mapped[str] = mapped_column(String(40))
    procedure_name: Mapped[str] = mapped_column(Text)
    zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    answers_encrypted: Mapped[str | None] = mapped_column("answers", EncryptedText)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_NEW)
    dossier_code: Mapped[str | None] = mapped_column(String(80))
    token_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answers_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def answers(self) -> dict:
        return json.loads(self.answers_encrypted) if self.answers_encrypted else {}

    @answers.setter
    def answers(self, values: dict | None) -> None:
        self.answers_encrypted = json.dumps(values, ensure_ascii=False) if values else None

    @property
    def reference(self) -> str:
        """What the citizen is told to quote: "DK-" and the id's last 8 hex digits (random in a UUIDv7)."""
        return f"DK-{self.id.hex[-8:].upper()}"
