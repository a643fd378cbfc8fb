"""Broadcast vocabularies: states (domain.md §8.2), audiences, Zalo's promotion rules (zalo-oa.md §2)."""

from flask_babel import lazy_gettext as _l

# DRAFT -> PENDING_APPROVAL -> APPROVED -> SCHEDULED -> SENDING -> SENT | PARTIALLY_FAILED | CANCELLED
DRAFT, PENDING_APPROVAL, APPROVED, SCHEDULED, SENDING = "draft", "pending", "approved", "scheduled", "sending"
SENT, PARTIALLY_FAILED, CANCELLED = "sent", "partial", "cancelled"
STATUS_LABELS = {
    DRAFT: _l("Draft"),
    PENDING_APPROVAL: _l("Waiting for approval"),
    APPROVED: _l("Approved"),
    SCHEDULED: _l("Scheduled"),
    SENDING: _l("Sending"),
    SENT: _l("Sent"),
    PARTIALLY_FAILED: _l("Sent, some failed"),
    CANCELLED: _l("Cancelled"),
}

# Audiences.
AUDIENCE_ALL, AUDIENCE_TAG, AUDIENCE_PROCEDURE, AUDIENCE_COMMUNES = "all", "tag", "procedure", "communes"
AUDIENCE_LABELS = {
    AUDIENCE_ALL: _l("All followers"),
    AUDIENCE_TAG: _l("Followers with a tag"),
    AUDIENCE_PROCEDURE: _l("Citizens with dossiers of a procedure"),
    AUDIENCE_COMMUNES: _l("Followers in some communes"),
}

# Zalo promotion rules: followers only, 06:00-21:59 Vietnam time, one per citizen per day.
PLAN_CHUNK = 2000  # followers planned per transaction: a crash loses at most one chunk of work, never rows
