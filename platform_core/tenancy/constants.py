"""Tenant vocabularies, with the Vietnamese labels the UI shows."""

from flask_babel import lazy_gettext as _l

STATUS_INVITED = "invited"
STATUS_ONBOARDING = "onboarding"
STATUS_TRIAL = "trial"
STATUS_LIVE = "live"
STATUS_SUSPENDED = "suspended"
STATUS_MERGED = "merged"

STATUSES = {
    STATUS_INVITED: _l("Invited"),
    STATUS_ONBOARDING: _l("Onboarding"),
    STATUS_TRIAL: _l("Trial"),
    STATUS_LIVE: _l("Live"),
    STATUS_SUSPENDED: _l("Suspended"),
    STATUS_MERGED: _l("Merged"),
}

# Which status may follow which; anything else is refused by the service.
TRANSITIONS = {
    STATUS_INVITED: {STATUS_ONBOARDING, STATUS_SUSPENDED},
    STATUS_ONBOARDING: {STATUS_TRIAL, STATUS_LIVE, STATUS_SUSPENDED},
    STATUS_TRIAL: {STATUS_LIVE, STATUS_SUSPENDED, STATUS_MERGED},
    STATUS_LIVE: {STATUS_SUSPENDED, STATUS_MERGED},
    STATUS_SUSPENDED: {STATUS_INVITED, STATUS_ONBOARDING, STATUS_TRIAL, STATUS_LIVE, STATUS_MERGED},
    STATUS_MERGED: set(),
}

# Statuses whose province pages and API answer; a suspended or merged tenant is not served.
SERVED_STATUSES = {STATUS_INVITED, STATUS_ONBOARDING, STATUS_TRIAL, STATUS_LIVE}

UNIT_TYPES = {"tinh": _l("Province"), "thanh_pho": _l("Centrally-run city")}
# The word that goes before the name in Vietnamese, in every message and page (docs/domain.md §5.1).
UNIT_NAMES_VI = {"tinh": "tỉnh", "thanh_pho": "thành phố"}
