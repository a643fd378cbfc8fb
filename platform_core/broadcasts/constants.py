"""Broadcast vocabularies: states (docs/domain.md §8.2), audiences, Zalo's promotion rules (docs/zalo-oa.md §2)."""

from flask_babel import lazy_gettext as _l

# DRAFT -> PENDING_APPROVAL -> APPROVED -> SCHEDULED -> SENDING -> SENT | PARTIALLY_FAILED | CANCELLED
DRAFT, PENDING_APPROVAL, APPROVED, SCHEDULED, SENDING = "draft", "pending", "approved", "scheduled", "sending"
SENT, PARTIALLY_FAILED, CANCELLED, REFUSED = "sent", "partial", "cancelled", "refused"
STATUS_LABELS = {
    DRAFT: _l("Draft"),
    PENDING_APPROVAL: _l("Waiting for approval"),
    APPROVED: _l("Approved"),
    SCHEDULED: _l("Scheduled"),
    SENDING: _l("Sending"),
    SENT: _l("Sent"),
    PARTIALLY_FAILED: _l("Sent, some failed"),
    CANCELLED: _l("Cancelled"),
    REFUSED: _l("Refused by Zalo"),
}

# The way news goes (docs/zalo-oa.md §2, §2.1): per-follower promotion cards for targeted news (within Zalo's
# daily cap), or one article broadcast to every follower or an audience by age, gender and place (outside it).
CHANNEL_PROMOTION, CHANNEL_ARTICLE = "promotion", "article"
CHANNEL_LABELS = {
    CHANNEL_PROMOTION: _l("Promotion cards, one per follower (targeted news; within Zalo's daily cap)"),
    CHANNEL_ARTICLE: _l("One article broadcast to every follower, or an audience by age, gender or place "
                        "(one call to Zalo, outside the daily cap)"),
}
CHANNEL_SHORT_LABELS = {CHANNEL_PROMOTION: _l("Promotion cards"), CHANNEL_ARTICLE: _l("Article broadcast")}

# Audiences.
AUDIENCE_ALL, AUDIENCE_TAG, AUDIENCE_PROCEDURE, AUDIENCE_COMMUNES = "all", "tag", "procedure", "communes"
AUDIENCE_LABELS = {
    AUDIENCE_ALL: _l("All followers"),
    AUDIENCE_TAG: _l("Followers with a tag"),
    AUDIENCE_PROCEDURE: _l("Citizens with dossiers of a procedure"),
    AUDIENCE_COMMUNES: _l("Followers in some communes"),
}

# Zalo promotion rules: followers only, 06:00-21:59 Vietnam time, one per citizen per day.
# Followers planned per transaction (in SQL): a crash loses at most one chunk of work, never rows.
PLAN_CHUNK = 10_000
