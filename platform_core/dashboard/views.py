"""Province console: reports (issue 6; this page is a placeholder until the feature lands)."""

from flask import render_template

from platform_core.auth.permissions import officer_required
from platform_core.tenancy.resolution import tenant_blueprint

reports_bp = tenant_blueprint("reports", __name__, url_prefix="/admin/reports")


@reports_bp.get("/")
@officer_required
def index():
    return render_template("dashboard/index.html")
