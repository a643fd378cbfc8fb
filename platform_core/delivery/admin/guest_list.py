"""Province console: the trial guest list."""

from flask import render_template

from platform_core.auth.permissions import admin_required
from platform_core.tenancy.resolution import tenant_blueprint

guest_list_bp = tenant_blueprint("guest_list", __name__, url_prefix="/admin/guest-list")


@guest_list_bp.get("/")
@admin_required
def index():
    return render_template("placeholder.html", title="guest_list.index")
