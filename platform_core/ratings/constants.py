"""Rating vocabularies: the five levels citizens choose from (docs/domain.md §3), invitation states, channels."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

# Five levels, 5 = best. The Vietnamese labels are what citizens see on Zalo and the rating page.
SCALE = {
    5: "Rất hài lòng",
    4: "Hài lòng",
    3: "Bình thường",
    2: "Không hài lòng",
    1: "Rất không hài lòng",
}
SCORES = tuple(SCALE)

# Invitation states (docs/domain.md §8.2: INVITED -> SUBMITTED | EXPIRED).
INVITED, SUBMITTED, EXPIRED = "invited", "submitted", "expired"
INVITATION_STATUS_LABELS = {INVITED: _l("Invited"), SUBMITTED: _l("Rated"), EXPIRED: _l("Expired")}

# How the rating arrived.
CHANNEL_ZALO, CHANNEL_WEB, CHANNEL_ZNS = "zalo", "web", "zns_rating"
CHANNEL_LABELS = {CHANNEL_ZALO: _l("Zalo chat"), CHANNEL_WEB: _l("Rating page"), CHANNEL_ZNS: _l("ZNS rating")}

# A score at or above SATISFIED counts as satisfied in the reports; at or below DISLIKE it is a "dislike" in
# Decision 766's dossier-satisfaction figure (docs/domain.md §3, indicator 5.4).
SATISFIED, DISLIKE = 4, 2

# The link stops working after INVITATION_LIFETIME; a rating can be changed for EDIT_WINDOW after it is first
# given (docs/domain.md §8.2: "allow a single edit window").
INVITATION_LIFETIME = timedelta(days=30)
EDIT_WINDOW = timedelta(hours=24)

# The notification's event kind for the invitation message (shown in the dossier's notifications).
EVENT_KIND = "rating_invitation"

# Optional criteria on the rating page: a few of Thừa Thiên Huế's 12 (docs/domain.md §3), scored on SCALE.
CRITERIA = {
    "convenience": _l("Convenience of submitting the dossier"),
    "on_time": _l("Result on time"),
    "staff_attitude": _l("Staff attitude and helpfulness"),
    "contacts": _l("Number of contacts needed to finish"),
    "online_quality": _l("Quality of the online service"),
}

# Console report groupings (ratings/reports.py `satisfaction_by`).
GROUP_PROCEDURE, GROUP_AGENCY, GROUP_MONTH = "procedure", "agency", "month"
GROUP_LABELS = {GROUP_PROCEDURE: _l("Procedure"), GROUP_AGENCY: _l("Agency"), GROUP_MONTH: _l("Month")}
