"""Province console: the team (members, invitations, roles)."""

from flask import render_template

from platform_core.auth.permissions import admin_required
from platform_core.tenancy.resolution import tenant_blueprint

team_bp = tenant_blueprint("team", __name__, url_prefix="/admin/team")


@team_bp.get("/")
@admin_required
def index():
    return render_template("placeholder.html", title="team.index")
