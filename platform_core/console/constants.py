"""Labels the console shows for audit actions. An action missing here is shown by its name, so a new one
never breaks the log."""

from flask_babel import lazy_gettext as _l

AUDIT_ACTION_LABELS = {
    "api_key_created": _l("API key created"),
    "api_key_revoked": _l("API key revoked"),
    "delivery_retried": _l("Failed message retried"),
    "invitation_accepted": _l("Invitation accepted"),
    "invitation_created": _l("Invitation sent"),
    "invitation_revoked": _l("Invitation withdrawn"),
    "member_totp_reset": _l("Two-step verification reset"),
    "rate_limits_changed": _l("Sending limits changed"),
    "role_granted": _l("Role granted or changed"),
    "role_revoked": _l("Member removed"),
    "template_saved": _l("Message template saved"),
    "zalo_connect_failed": _l("Zalo connection failed"),
    "zalo_connected": _l("Zalo OA connected"),
    "zalo_credentials_changed": _l("Zalo credentials changed"),
    "zalo_reconnect_needed": _l("Zalo reconnection needed"),
}
