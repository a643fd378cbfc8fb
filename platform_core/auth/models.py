"""Users (global accounts), their memberships in tenants, their recovery codes."""

import uuid
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from platform_core.auth.constants import ROLE_OPERATOR, TENANT_ROLE_RANK
from platform_core.db.base import Global
from platform_core.db.types import EncryptedText, UTCDateTime, utcnow
from platform_core.extensions import db

SESSION_VERSION_SEPARATOR = "."


class User(UserMixin, Global, db.Model):
    """One person's login, which may belong to several provinces through memberships."""

    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    platform_role: Mapped[str | None] = mapped_column(String(16))
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # In every session cookie (get_id); bumping it signs the user out everywhere (auth.service.revoke_sessions).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    memberships: Mapped[list["Membership"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session version (auth/session.py)."""
        return f"{self.id}{SESSION_VERSION_SEPARATOR}{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_operator(self) -> bool:
        return self.platform_role == ROLE_OPERATOR

    @property
    def has_totp(self) -> bool:
        return self.totp_secret is not None

    def role_in(self, tenant_id: uuid.UUID) -> str | None:
        return next((m.role for m in self.memberships if m.tenant_id == tenant_id), None)

    def has_tenant_role(self, tenant_id: uuid.UUID, minimum: str) -> bool:
        role = self.role_in(tenant_id)
        return role is not None and TENANT_ROLE_RANK[role] >= TENANT_ROLE_RANK[minimum]


class Membership(Global, db.Model):
    """Grants a user a role in one tenant.

    Global on purpose: it is the access-control map consulted before a tenant is chosen (login lists the
    provinces a user may enter); it holds no citizen or province data.
    """

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "tenant_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("user_account.id"))
    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenant.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")


class RecoveryCode(Global, db.Model):
    """A one-time code that signs a user in when their authenticator is lost (only a hash is kept)."""

    __tablename__ = "recovery_code"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
