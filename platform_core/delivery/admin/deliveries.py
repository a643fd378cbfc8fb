"""Province console: deliveries (officers read, admins retry)."""

from flask import render_template

from platform_core.auth.permissions import officer_required
from platform_core.tenancy.resolution import tenant_blueprint

deliveries_admin_bp = tenant_blueprint("deliveries_admin", __name__, url_prefix="/admin/deliveries")


@deliveries_admin_bp.get("/")
@officer_required
def index():
    return render_template("placeholder.html", title="deliveries_admin.index")
