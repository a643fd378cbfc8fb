"""The platform's landing page, and what every server-rendered page's templates can use."""

from flask import Blueprint, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from platform_core.auth import service as accounts
from platform_core.auth.constants import PLATFORM_ROLES, TENANT_ROLES
from platform_core.console.nav import console_nav
from platform_core.tenancy.constants import SERVED_STATUSES, STATUSES, UNIT_TYPES

web_bp = Blueprint("web", __name__)


@web_bp.app_context_processor
def _template_globals() -> dict:
    return {
        "current_locale": str(get_locale() or "vi"),
        "PLATFORM_ROLES": PLATFORM_ROLES,
        "TENANT_ROLES": TENANT_ROLES,
        "STATUSES": STATUSES,
        "UNIT_TYPES": UNIT_TYPES,
        "SERVED_STATUSES": SERVED_STATUSES,
        "console_nav": console_nav,
    }


@web_bp.app_template_global()
def script(name: str) -> Markup:
    """`{{ script("poll.js") }}`: a deferred script from static/js/. Templates hold no `<script>` of their own
    (the CSP allows no inline code; tests/web/test_translations.py checks), and pages work without it."""
    return Markup('<script src="%s" defer></script>') % url_for("static", filename=f"js/{name}")


@web_bp.get("/")
def index():
    provinces = accounts.province_roles(current_user) if current_user.is_authenticated else []
    return render_template("index.html", provinces=provinces)
