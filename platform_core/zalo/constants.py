"""Zalo connection vocabularies, with the labels the UI shows."""

from flask_babel import lazy_gettext as _l

STATUS_NOT_CONNECTED = "not_connected"
STATUS_CONNECTED = "connected"
STATUS_RECONNECT_NEEDED = "reconnect_needed"

CONNECTION_STATUSES = {
    STATUS_NOT_CONNECTED: _l("Not connected"),
    STATUS_CONNECTED: _l("Connected"),
    STATUS_RECONNECT_NEEDED: _l("Reconnect needed"),
}

# Zalo's access token lives 25 h and the refresh token 3 months (zalo-oa.md §1).
ACCESS_TOKEN_LIFETIME_SECONDS = 90_000
REFRESH_TOKEN_LIFETIME_DAYS = 90
# Refresh this long before the access token expires (the scheduled job runs more often than this).
REFRESH_MARGIN_SECONDS = 2 * 3600
# Consecutive failed refreshes before the tenant is flagged "reconnect needed" and its sending paused.
MAX_AUTH_FAILURES = 3

EVENT_RECEIVED = "received"
EVENT_PROCESSED = "processed"
EVENT_RECORDED = "recorded"  # kept for a later handler (e.g. citizen text before the bot exists)
EVENT_IGNORED = "ignored"
