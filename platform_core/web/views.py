"""The platform's landing page, and what every server-rendered page's templates can use."""

from flask import Blueprint, current_app, render_template, send_from_directory, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from platform_core.auth import service as accounts
from platform_core.auth.constants import PLATFORM_ROLES, TENANT_ROLES
from platform_core.tenancy.constants import SERVED_STATUSES, STATUSES, UNIT_TYPES
from platform_core.web.dates import vn_date

web_bp = Blueprint("web", __name__)
web_bp.add_app_template_filter(vn_date)


@web_bp.app_context_processor
def _template_globals() -> dict:
    return {
        "current_locale": str(get_locale() or "vi"),
        "PLATFORM_ROLES": PLATFORM_ROLES,
        "TENANT_ROLES": TENANT_ROLES,
        "STATUSES": STATUSES,
        "UNIT_TYPES": UNIT_TYPES,
        "SERVED_STATUSES": SERVED_STATUSES,
    }


@web_bp.app_template_global()
def script(name: str) -> Markup:
    """`{{ script("poll.js") }}`: a deferred script from static/js/. Templates hold no `<script>` of their own
    (the CSP allows no inline code; tests/web/test_translations.py checks), and pages work without it."""
    return Markup('<script src="%s" defer></script>') % url_for("static", filename=f"js/{name}")


ICON_MAX_AGE = 7 * 24 * 3600


@web_bp.get("/favicon.ico", defaults={"name": "favicon.ico"})
@web_bp.get("/apple-touch-icon.png", defaults={"name": "apple-touch-icon.png"})
def root_icon(name: str):
    """Browsers ask the site's root for these whatever a page links to. Without these exact rules the names
    would reach the province pages (`/<tenant_slug>/`) and 404 on every page."""
    return send_from_directory(current_app.static_folder, name, max_age=ICON_MAX_AGE)


@web_bp.get("/")
def index():
    provinces = accounts.province_roles(current_user) if current_user.is_authenticated else []
    return render_template("index.html", provinces=provinces)
