"""Imports every model so that the metadata is complete (migrations, meta-tests, `flask shell`)."""

from platform_core.apikeys.models import ApiKey
from platform_core.auth.models import AuditEvent, Membership, PlatformAuditEvent, User
from platform_core.catalogue.models import Procedure
from platform_core.tenancy.models import Province, Tenant, TenantHistory, TenantSlugAlias
from platform_core.zalo.models import DataSubjectRequest, Follower, MessageReceipt, ZaloConnection, ZaloEvent

__all__ = [
    "ApiKey",
    "AuditEvent",
    "DataSubjectRequest",
    "Follower",
    "MessageReceipt",
    "Membership",
    "PlatformAuditEvent",
    "Procedure",
    "Province",
    "Tenant",
    "TenantHistory",
    "TenantSlugAlias",
    "User",
    "ZaloConnection",
    "ZaloEvent",
]
