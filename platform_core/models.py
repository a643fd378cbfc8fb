"""Imports every model so that the metadata is complete (migrations, meta-tests, `flask shell`)."""

from platform_core.apikeys.models import ApiKey
from platform_core.audit.models import AuditEvent, PlatformAuditEvent
from platform_core.auth.models import Membership, RecoveryCode, User
from platform_core.broadcasts.models import Broadcast, PromotionLedger
from platform_core.catalogue.models import Procedure
from platform_core.citizens.models import Consent, FollowerTag
from platform_core.delivery.models import Delivery, GuestListEntry, Notification, RatePolicy
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from platform_core.mergers.models import TenantMerge
from platform_core.notices.models import MessageTemplate
from platform_core.officials.models import InternalNotice, OfficialProfile
from platform_core.onboarding.models import GoLiveRequest, Invitation, ProvinceLogo, SetupProgress
from platform_core.ratings.models import Rating, RatingInvitation
from platform_core.registrations.models import Registration, RegistrationProcedure
from platform_core.results.models import DossierResult
from platform_core.settings.models import ProvinceSetting
from platform_core.tenancy.models import Province, Tenant, TenantHistory, TenantSlugAlias
from platform_core.zalo.models import (
    DataSubjectRequest,
    Follower,
    FollowerImport,
    MessageReceipt,
    StaffLinkCode,
    ZaloConnection,
    ZaloEvent,
)

__all__ = [
    "ApiKey",
    "AuditEvent",
    "Broadcast",
    "Consent",
    "DataSubjectRequest",
    "Delivery",
    "Dossier",
    "DossierEvent",
    "DossierResult",
    "Feedback",
    "FeedbackAttachment",
    "FeedbackEvent",
    "Follower",
    "FollowerImport",
    "FollowerTag",
    "GoLiveRequest",
    "GuestListEntry",
    "InternalNotice",
    "Invitation",
    "Membership",
    "MessageReceipt",
    "MessageTemplate",
    "Notification",
    "OfficialProfile",
    "PlatformAuditEvent",
    "Procedure",
    "PromotionLedger",
    "Province",
    "ProvinceLogo",
    "ProvinceSetting",
    "RatePolicy",
    "Rating",
    "RatingInvitation",
    "RecoveryCode",
    "Registration",
    "RegistrationProcedure",
    "SetupProgress",
    "StaffLinkCode",
    "Tenant",
    "TenantMerge",
    "TenantHistory",
    "TenantSlugAlias",
    "User",
    "ZaloConnection",
    "ZaloEvent",
]
