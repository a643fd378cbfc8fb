"""Imports every model so that the metadata is complete (migrations, meta-tests, `flask shell`)."""

from platform_core.apikeys.models import ApiKey
from platform_core.auth.models import AuditEvent, Membership, PlatformAuditEvent, User
from platform_core.catalogue.models import Procedure
from platform_core.tenancy.models import Province, Tenant, TenantHistory, TenantSlugAlias

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Membership",
    "PlatformAuditEvent",
    "Procedure",
    "Province",
    "Tenant",
    "TenantHistory",
    "TenantSlugAlias",
    "User",
]
