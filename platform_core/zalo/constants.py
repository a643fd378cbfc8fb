"""Zalo connection vocabularies, with the labels the UI shows."""

from flask_babel import lazy_gettext as _l

STATUS_NOT_CONNECTED = "not_connected"
STATUS_CONNECTED = "connected"
STATUS_RECONNECT_NEEDED = "reconnect_needed"
# Shown, never stored: a connection stored as connected whose sending cannot work (zalo/connection.shown_status).
STATUS_TOKEN_EXPIRED = "token_expired"  # noqa: S105 (a status, not a secret)
STATUS_REFRESH_FAILING = "refresh_failing"

CONNECTION_STATUSES = {
    STATUS_NOT_CONNECTED: _l("Not connected"),
    STATUS_CONNECTED: _l("Connected"),
    STATUS_RECONNECT_NEEDED: _l("Reconnect needed"),
    STATUS_TOKEN_EXPIRED: _l("Access token expired: messages cannot be sent"),
    STATUS_REFRESH_FAILING: _l("Token refresh failing"),
}

# Zalo's access token lives 25 h and the refresh token 3 months (docs/zalo-oa.md §1).
ACCESS_TOKEN_LIFETIME_SECONDS = 90_000
REFRESH_TOKEN_LIFETIME_DAYS = 90
# Refresh this long before the access token expires (the scheduled job runs more often than this).
REFRESH_MARGIN_SECONDS = 2 * 3600
# How a failed refresh starts its `last_error` (shown_status looks for it).
REFRESH_FAILED = "refresh failed"
# Consecutive failed refreshes before the tenant is flagged "reconnect needed" and its sending paused.
MAX_AUTH_FAILURES = 3

EVENT_RECEIVED = "received"
EVENT_PROCESSED = "processed"
EVENT_RECORDED = "recorded"  # kept for a later handler (e.g. citizen text before the bot exists)
EVENT_IGNORED = "ignored"

# Messages in the OA's group chats (GMF, docs/zalo-oa.md §5): stored, but neither a citizen writing to the OA
# nor an interaction that opens the consultation window.
GROUP_CHAT_PREFIXES = ("user_send_group_", "oa_send_group_")

# An import of the OA's existing followers (zalo/follower_import.py).
IMPORT_QUEUED = "queued"
IMPORT_RUNNING = "running"
IMPORT_DONE = "done"
IMPORT_FAILED = "failed"
IMPORT_ACTIVE = (IMPORT_QUEUED, IMPORT_RUNNING)
