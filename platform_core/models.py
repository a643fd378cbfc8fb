"""Imports every model so that the metadata is complete (migrations, meta-tests, `flask shell`)."""

from platform_core.apikeys.models import ApiKey
from platform_core.auth.models import AuditEvent, Membership, PlatformAuditEvent, User
from platform_core.catalogue.models import Procedure
from platform_core.delivery.models import Delivery, MessageTemplate, Notification, RatePolicy
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.tenancy.models import Province, Tenant, TenantHistory, TenantSlugAlias
from platform_core.zalo.models import DataSubjectRequest, Follower, MessageReceipt, ZaloConnection, ZaloEvent

__all__ = [
    "ApiKey",
    "AuditEvent",
    "DataSubjectRequest",
    "Delivery",
    "Dossier",
    "DossierEvent",
    "Follower",
    "MessageReceipt",
    "Membership",
    "MessageTemplate",
    "Notification",
    "PlatformAuditEvent",
    "Procedure",
    "Province",
    "RatePolicy",
    "Tenant",
    "TenantHistory",
    "TenantSlugAlias",
    "User",
    "ZaloConnection",
    "ZaloEvent",
]
