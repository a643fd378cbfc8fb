"""Imports every model so that the metadata is complete (migrations, meta-tests, `flask shell`)."""

from platform_core.apikeys.models import ApiKey
from platform_core.auth.models import AuditEvent, Membership, PlatformAuditEvent, RecoveryCode, User
from platform_core.catalogue.models import Procedure
from platform_core.delivery.models import Delivery, GuestListEntry, MessageTemplate, Notification, RatePolicy
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.onboarding.models import GoLiveRequest, Invitation, SetupProgress
from platform_core.tenancy.models import Province, Tenant, TenantHistory, TenantProfile, TenantSlugAlias
from platform_core.zalo.models import (
    DataSubjectRequest,
    Follower,
    MessageReceipt,
    StaffLinkCode,
    ZaloConnection,
    ZaloEvent,
)

__all__ = [
    "ApiKey",
    "AuditEvent",
    "DataSubjectRequest",
    "Delivery",
    "Dossier",
    "DossierEvent",
    "Follower",
    "GoLiveRequest",
    "GuestListEntry",
    "Invitation",
    "Membership",
    "MessageReceipt",
    "MessageTemplate",
    "Notification",
    "PlatformAuditEvent",
    "Procedure",
    "Province",
    "RatePolicy",
    "RecoveryCode",
    "SetupProgress",
    "StaffLinkCode",
    "Tenant",
    "TenantHistory",
    "TenantProfile",
    "TenantSlugAlias",
    "User",
    "ZaloConnection",
    "ZaloEvent",
]
