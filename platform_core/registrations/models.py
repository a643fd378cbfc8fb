"""The procedures a province takes registrations for on Zalo (and the fields each form asks), the
registrations citizens submitted, the appointment slots at the province's centre they book, and the signed
webhook that pushes each new registration to the province's one-stop software."""

import json
import uuid
from datetime import date, datetime, time

from sqlalchemy import JSON, Date, Index, Integer, String, Text, Time, UniqueConstraint, Uuid, and_
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from platform_core.db.base import TenantScoped
from platform_core.db.types import EncryptedText, UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.registrations.constants import DEFAULT_APPOINTMENT, STATUS_NEW, WEBHOOK_PENDING


def reference(registration_id: uuid.UUID) -> str:
    """What the citizen is told to quote: "DK-" and the id's last 8 hex digits (random in a UUIDv7)."""
    return f"DK-{registration_id.hex[-8:].upper()}"


class RegistrationProcedure(TenantScoped, db.Model):
    """A procedure open to registration on Zalo: a row per procedure (none: the bot does not offer it)."""

    __tablename__ = "registration_procedure"
    __table_args__ = (UniqueConstraint("tenant_id", "procedure_code"),)

    procedure_code: Mapped[str] = mapped_column(String(40))
    fields: Mapped[list] = mapped_column(JSON, default=list)  # constants.FIELDS, in the form's order
    # constants.APPOINTMENT_MODES: the form offers the free slots (none: never; required: one must be chosen)
    appointment: Mapped[str] = mapped_column(String(16), default=DEFAULT_APPOINTMENT)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AppointmentSlot(TenantScoped, db.Model):
    """A time at the province's one-stop centre citizens book when they register: for one procedure, or for any
    (`procedure_code` None). `booked` only grows by the guarded update of service.book (never past `capacity`,
    whatever the concurrency) and shrinks when an appointment is cancelled."""

    __tablename__ = "appointment_slot"
    __table_args__ = (Index("ix_appointment_slot_tenant_day", "tenant_id", "day", "starts_at"),)

    procedure_code: Mapped[str | None] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def free(self) -> int:
        return max(self.capacity - self.booked, 0)


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
    slot_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the appointment booked; None once cancelled
    appointment_cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # No foreign key: a merge moves registrations and slots table by table (mergers/rules.py).
    slot: Mapped[AppointmentSlot | None] = relationship(
        primaryjoin=lambda: and_(foreign(Registration.slot_id) == AppointmentSlot.id,
                                 foreign(Registration.tenant_id) == AppointmentSlot.tenant_id),
        viewonly=True, lazy="selectin")

    @property
    def answers(self) -> dict:
        return json.loads(self.answers_encrypted) if self.answers_encrypted else {}

    @answers.setter
    def answers(self, values: dict | None) -> None:
        self.answers_encrypted = json.dumps(values, ensure_ascii=False) if values else None

    @property
    def reference(self) -> str:
        return reference(self.id)


class RegistrationWebhook(TenantScoped, db.Model):
    """Where the province's software wants each new registration POSTed (one per province), and the secret its
    signature is made with: shown once when made, encrypted at rest."""

    __tablename__ = "registration_webhook"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WebhookDelivery(TenantScoped, db.Model):
    """One registration POSTed to the webhook: pending -> sent, or failed once the job's retries are spent. The
    console lists the failures with the last answer."""

    __tablename__ = "registration_webhook_delivery"
    __table_args__ = (Index("ix_registration_webhook_delivery_tenant_created", "tenant_id", "created_at"),)

    registration_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    url: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), default=WEBHOOK_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def reference(self) -> str:
        return reference(self.registration_id)
