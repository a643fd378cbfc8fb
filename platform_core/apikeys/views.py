"""Province console: API keys."""

from flask import render_template

from platform_core.auth.permissions import admin_required
from platform_core.tenancy.resolution import tenant_blueprint

apikeys_admin_bp = tenant_blueprint("apikeys_admin", __name__, url_prefix="/admin/api-keys")


@apikeys_admin_bp.get("/")
@admin_required
def index():
    return render_template("placeholder.html", title="apikeys_admin.index")
