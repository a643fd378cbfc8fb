"""Province console: notices to officials (issue 6; this page is a placeholder until the feature lands)."""

from flask import render_template

from platform_core.auth.permissions import admin_required
from platform_core.tenancy.resolution import tenant_blueprint

officials_admin_bp = tenant_blueprint("officials_admin", __name__, url_prefix="/admin/officials")


@officials_admin_bp.get("/")
@admin_required
def index():
    return render_template("officials/index.html")
