"""Province console: feedback and petitions (issue 6; this page is a placeholder until the feature lands)."""

from flask import render_template

from platform_core.auth.permissions import officer_required
from platform_core.tenancy.resolution import tenant_blueprint

feedback_admin_bp = tenant_blueprint("feedback_admin", __name__, url_prefix="/admin/feedback")


@feedback_admin_bp.get("/")
@officer_required
def index():
    return render_template("feedback/index.html")
