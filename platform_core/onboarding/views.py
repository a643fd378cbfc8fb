"""The setup wizard's blueprint (`/<slug>/setup/...`). Each step's view is in onboarding/steps/<key>.py."""

from flask import redirect, url_for

from platform_core.auth.permissions import admin_required
from platform_core.onboarding import wizard
from platform_core.tenancy.resolution import tenant_blueprint

onboarding_bp = tenant_blueprint("onboarding", __name__, url_prefix="/setup")


@onboarding_bp.get("/")
@admin_required
def resume():
    """Where an admin left off; a finished wizard leads to the console."""
    step = wizard.first_incomplete()
    return redirect(wizard.step_url(step) if step else url_for("console.dashboard"))


from platform_core.onboarding import join, steps  # noqa: E402,F401 - registers the views on onboarding_bp
