"""Setup step `zalo` (placeholder until its branch lands)."""

from flask import render_template

from platform_core.auth.permissions import admin_required
from platform_core.onboarding.views import onboarding_bp


@onboarding_bp.route("/zalo", methods=["GET", "POST"])
@admin_required
def zalo():
    return render_template("placeholder.html", title="zalo")
