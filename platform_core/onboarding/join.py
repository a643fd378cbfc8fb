"""Accepting an invitation (placeholder until its branch lands)."""

from flask import render_template

from platform_core.onboarding.views import onboarding_bp


@onboarding_bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    return render_template("placeholder.html", title="join")
