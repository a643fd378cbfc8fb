"""Rating vocabularies: the five levels citizens choose from (domain.md §3), invitation states, channels."""

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

# Invitation states (domain.md §8.2: INVITED -> SUBMITTED | EXPIRED).
INVITED, SUBMITTED, EXPIRED = "invited", "submitted", "expired"
INVITATION_STATUS_LABELS = {INVITED: _l("Invited"), SUBMITTED: _l("Rated"), EXPIRED: _l("Expired")}

# How the rating arrived.
CHANNEL_ZALO, CHANNEL_WEB, CHANNEL_ZNS = "zalo", "web", "zns_rating"
CHANNEL_LABELS = {CHANNEL_ZALO: _l("Zalo chat"), CHANNEL_WEB: _l("Rating page"), CHANNEL_ZNS: _l("ZNS rating")}
