"""A province's Zalo OA connection, its followers, and the webhook events Zalo sends it."""

import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from platform_core.db.base import Global, TenantScoped
from platform_core.db.types import EncryptedText, UTCDateTime, utcnow
from platform_core.extensions import db
from platform_core.zalo.constants import EVENT_RECEIVED, IMPORT_QUEUED, STATUS_NOT_CONNECTED


class ZaloConnection(TenantScoped, db.Model):
    """One per tenant. Every secret is encrypted at rest and masked wherever it is shown."""

    __tablename__ = "zalo_connection"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    app_id: Mapped[str | None] = mapped_column(String(40))
    app_secret: Mapped[str | None] = mapped_column(EncryptedText)
    oa_id: Mapped[str | None] = mapped_column(String(40), index=True)
    oa_name: Mapped[str | None] = mapped_column(String(200))
    oa_secret_key: Mapped[str | None] = mapped_column(EncryptedText)
    access_token: Mapped[str | None] = mapped_column(EncryptedText)
    refresh_token: Mapped[str | None] = mapped_column(EncryptedText)
    access_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default=STATUS_NOT_CONNECTED)
    auth_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reconnect_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ZaloSiteVerification(Global, db.Model):
    """What a province's Zalo app asks the platform's domain to show before Zalo accepts its webhook and callback
    URLs (docs/zalo-oa.md §5, "Setup"): the HTML file Zalo gives, served at the domain's root under its own name,
    and/or the content of Zalo's meta tag, put in the home page's head. Every province verifies the one domain
    for its own app. Zalo fetches these anonymously at a URL that names no province, so they are platform data
    keyed by the file name (as a slug alias is); they are public by nature and hold no secret."""

    __tablename__ = "zalo_site_verification"
    __table_args__ = (UniqueConstraint("tenant_id"), UniqueConstraint("file_name"))

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("tenant.id"))
    file_name: Mapped[str | None] = mapped_column(String(120))
    file_body: Mapped[str | None] = mapped_column(Text)
    meta_content: Mapped[str | None] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Follower(TenantScoped, db.Model):
    """A citizen as this tenant's OA knows them. Zalo user ids are scoped to one OA (docs/zalo-oa.md §5)."""

    __tablename__ = "zalo_follower"
    __table_args__ = (
        UniqueConstraint("tenant_id", "zalo_user_id"),
        Index("ix_zalo_follower_tenant_phone", "tenant_id", "phone_e164"),  # routing and screens look phones up
    )

    zalo_user_id: Mapped[str] = mapped_column(String(40))
    user_id_by_app: Mapped[str | None] = mapped_column(String(40))
    display_name: Mapped[str | None] = mapped_column(String(200))
    is_follower: Mapped[bool] = mapped_column(Boolean, default=False)
    followed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unfollowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_interaction_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    commune: Mapped[str | None] = mapped_column(String(120))  # from shared info or set by the province
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # erased on the citizen's request
    shared_info: Mapped[dict] = mapped_column(JSON, default=dict)
    staff_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))  # team member
    staff_linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # First listed by an import of the OA's followers (zalo/follower_import.py) rather than seen following:
    # such a follower is known since then, `coalesce(followed_at, imported_at)`.
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowerImport(TenantScoped, db.Model):
    """One import of the OA's existing followers through Zalo's follower list (docs/zalo-oa.md §4), with the
    progress the console shows. `error` is a key (follower_import_view.py words it): `interrupted`,
    `not_queued`, `not_connected` or `zalo:<code>`."""

    __tablename__ = "zalo_follower_import"
    __table_args__ = (Index("ix_zalo_follower_import_tenant_created", "tenant_id", "created_at"),)

    state: Mapped[str] = mapped_column(String(12), default=IMPORT_QUEUED)
    trigger: Mapped[str] = mapped_column(String(12))  # connect, console, nightly
    seen: Mapped[int] = mapped_column(Integer, default=0)  # followers listed so far
    new: Mapped[int] = mapped_column(Integer, default=0)  # of which we did not know
    total: Mapped[int | None] = mapped_column(Integer)  # as Zalo counts them
    offset_reached: Mapped[int | None] = mapped_column(Integer)  # the last page asked for
    capped: Mapped[bool] = mapped_column(Boolean, default=False)  # more followers than the list API serves
    error: Mapped[str | None] = mapped_column(String(40))
    started_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ZaloEvent(TenantScoped, db.Model):
    """A webhook event exactly as received (raw body kept for audit and reprocessing), deduplicated."""

    __tablename__ = "zalo_event"
    __table_args__ = (
        UniqueConstraint("tenant_id", "event_key"),
        Index("ix_zalo_event_tenant_received", "tenant_id", "received_at"),  # reports' period filters, purge
        # The intake's claim (zalo/intake.py): a lane's waiting events, oldest first.
        Index("ix_zalo_event_waiting", "tenant_id", "status", "lane", "received_at"),
    )

    event_key: Mapped[str] = mapped_column(String(200))
    event_name: Mapped[str] = mapped_column(String(60), index=True)
    zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    raw_body: Mapped[str] = mapped_column(Text)
    from_zns: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=EVENT_RECEIVED)
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # zalo/intake.py: a citizen's events always share a lane, and a lane has one batch at work at a time.
    lane: Mapped[int] = mapped_column(SmallInteger, default=0)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MessageReceipt(TenantScoped, db.Model):
    """Delivery and seen receipts by Zalo message id (OA) or ZNS msg_id; deliveries read them by id."""

    __tablename__ = "zalo_message_receipt"
    __table_args__ = (UniqueConstraint("tenant_id", "message_id"),)

    message_id: Mapped[str] = mapped_column(String(80))
    via_zns: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DataSubjectRequest(TenantScoped, db.Model):
    """A citizen's data-subject request (Zalo `user_withdraw`, "dừng", or entered by an officer) and its legal clock."""

    __tablename__ = "data_subject_request"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "event_id"], ["zalo_event.tenant_id", "zalo_event.id"]),
        Index("ix_data_subject_request_tenant_zalo_user_id", "tenant_id", "zalo_user_id"),  # a citizen's last stop
        Index("ix_data_subject_request_tenant_phone", "tenant_id", "phone_e164"),
    )

    zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    phone_e164: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="open")
    method: Mapped[str | None] = mapped_column(String(20))
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    respond_by: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 2 working days (Decree 356)
    complete_by: Mapped[datetime | None] = mapped_column(UTCDateTime)  # days per kind (citizens/clock.py)
    third_party: Mapped[bool] = mapped_column(Boolean, default=False)  # a processor or third party must stop too
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)
    handled_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("user_account.id"))


class StaffLinkCode(TenantScoped, db.Model):
    """A short-lived code a team member writes to the OA so that their Zalo account is linked to their user."""

    __tablename__ = "staff_link_code"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("user_account.id"))
    code: Mapped[str] = mapped_column(String(16))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    zalo_user_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
