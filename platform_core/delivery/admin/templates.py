"""Province console: message templates."""

from flask import render_template

from platform_core.auth.permissions import admin_required
from platform_core.tenancy.resolution import tenant_blueprint

templates_admin_bp = tenant_blueprint("templates_admin", __name__, url_prefix="/admin/templates")


@templates_admin_bp.get("/")
@admin_required
def index():
    return render_template("placeholder.html", title="templates_admin.index")
