"""Setup step `test_message` (placeholder until its branch lands)."""

from flask import render_template

from platform_core.auth.permissions import admin_required
from platform_core.onboarding.views import onboarding_bp


@onboarding_bp.route("/test-message", methods=["GET", "POST"])
@admin_required
def test_message():
    return render_template("placeholder.html", title="test_message")
