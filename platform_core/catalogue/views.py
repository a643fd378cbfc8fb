"""Province console: the procedure catalogue."""

from flask import render_template

from platform_core.auth.permissions import admin_required
from platform_core.tenancy.resolution import tenant_blueprint

catalogue_admin_bp = tenant_blueprint("catalogue_admin", __name__, url_prefix="/admin/procedures")


@catalogue_admin_bp.get("/")
@admin_required
def index():
    return render_template("placeholder.html", title="catalogue_admin.index")
