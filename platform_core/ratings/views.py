"""Province console: satisfaction (issue 6; this page is a placeholder until the feature lands)."""

from flask import render_template

from platform_core.auth.permissions import officer_required
from platform_core.tenancy.resolution import tenant_blueprint

ratings_admin_bp = tenant_blueprint("ratings_admin", __name__, url_prefix="/admin/ratings")


@ratings_admin_bp.get("/")
@officer_required
def index():
    return render_template("ratings/index.html")
