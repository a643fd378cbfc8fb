"""The province console's navigation: one entry per page, shown to members whose role reaches it."""

from flask import g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from platform_core.auth.constants import ROLE_ADMIN, ROLE_OFFICER

# (endpoint, label, minimum role). Officers see dossiers and deliveries; admins configure.
NAV_ITEMS = (
    ("console.dashboard", _l("Overview"), ROLE_OFFICER),
    ("console.dossiers", _l("Dossiers"), ROLE_OFFICER),
    ("deliveries_admin.index", _l("Deliveries"), ROLE_OFFICER),
    ("feedback_admin.index", _l("Feedback and petitions"), ROLE_OFFICER),
    ("results_admin.index", _l("Electronic results"), ROLE_OFFICER),
    ("registrations_admin.index", _l("Registrations on Zalo"), ROLE_OFFICER),
    ("ratings_admin.index", _l("Satisfaction"), ROLE_OFFICER),
    ("reports.index", _l("Reports"), ROLE_OFFICER),
    ("broadcasts_admin.index", _l("Policy news"), ROLE_ADMIN),
    ("officials_admin.index", _l("Notices to officials"), ROLE_ADMIN),
    ("citizens_admin.index", _l("Citizens' data"), ROLE_ADMIN),
    ("catalogue_admin.index", _l("Procedures"), ROLE_ADMIN),
    ("templates_admin.index", _l("Message templates"), ROLE_ADMIN),
    ("team.index", _l("Team"), ROLE_ADMIN),
    ("apikeys_admin.index", _l("API keys"), ROLE_ADMIN),
    ("zalo_admin.connection_page", _l("Zalo connection"), ROLE_ADMIN),
    ("guest_list.index", _l("Guest list"), ROLE_ADMIN),
    ("console.audit_log", _l("Audit log"), ROLE_ADMIN),
    ("zalo_admin.staff_link_page", _l("Your Zalo account"), ROLE_OFFICER),
)


# Pages reached from a list that belong to the list's entry (a dossier's detail is under "Dossiers").
SECTION_OF = {"console.dossier": "console.dossiers"}


def console_nav() -> list[dict]:
    """The entries the signed-in member may open, with the current page marked."""
    tenant = getattr(g, "tenant", None)
    if tenant is None or not current_user.is_authenticated:
        return []
    page = SECTION_OF.get(request.endpoint, request.endpoint) or ""
    blueprint = page.split(".")[0]
    return [
        {"endpoint": endpoint, "label": label, "current": endpoint.split(".")[0] == blueprint
         and (blueprint != "console" or endpoint == page)}
        for endpoint, label, role in NAV_ITEMS
        if current_user.has_tenant_role(tenant.id, role)
    ]
