"""Labels the console shows for audit actions. An action missing here is shown by its name, so a new one
never breaks the log."""

from flask_babel import lazy_gettext as _l

AUDIT_ACTION_LABELS = {
    "api_key_created": _l("API key created"),
    "api_key_revoked": _l("API key revoked"),
    "catalogue_imported": _l("Procedures imported"),
    "catalogue_setup_saved": _l("Catalogue chosen at setup"),
    "delivery_retried": _l("Failed message retried"),
    "go_live_approved": _l("Go-live approved"),
    "go_live_rejected": _l("Go-live rejected"),
    "go_live_requested": _l("Go-live requested"),
    "guest_list_added": _l("Added to the guest list"),
    "guest_list_removed": _l("Removed from the guest list"),
    "invitation_accepted": _l("Invitation accepted"),
    "invitation_created": _l("Invitation sent"),
    "invitation_emailed": _l("Invitation e-mailed"),
    "invitation_revoked": _l("Invitation withdrawn"),
    "member_totp_reset": _l("Two-step verification reset"),
    "procedure_disabled": _l("Procedure no longer offered"),
    "procedure_enabled": _l("Procedure offered"),
    "procedure_updated": _l("Procedure changed"),
    "profile_created": _l("Province profile saved"),
    "profile_updated": _l("Province profile changed"),
    "rate_limits_changed": _l("Sending limits changed"),
    "role_granted": _l("Role granted or changed"),
    "role_revoked": _l("Member removed"),
    "staff_link_code_issued": _l("Zalo link code issued"),
    "staff_zalo_linked": _l("Zalo account linked"),
    "template_saved": _l("Message template saved"),
    "templates_reviewed": _l("Message templates reviewed"),
    "test_message_sent": _l("Test message sent"),
    "zalo_connect_failed": _l("Zalo connection failed"),
    "zalo_connected": _l("Zalo OA connected"),
    "zalo_credentials_changed": _l("Zalo credentials changed"),
    "zalo_reconnect_needed": _l("Zalo reconnection needed"),
}
