"""Setup step 7, request go-live: the checklist computed live, each item linked to where it is put right;
the request once everything passes; then the request's fate (waiting, or the operator's reason to refuse)."""

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.extensions import db
from platform_core.onboarding import golive_request, wizard
from platform_core.onboarding.constants import GO_LIVE_PENDING, GO_LIVE_REJECTED, STEP_GO_LIVE
from platform_core.onboarding.views import onboarding_bp
from platform_core.tenancy.constants import STATUS_LIVE


@onboarding_bp.get("/go-live")
@admin_required
def go_live():
    checks = golive_request.checklist()
    latest = golive_request.latest_request()
    return wizard.render_step(
        STEP_GO_LIVE, "onboarding/go_live.html", checks=checks, ready=all(check.passed for check in checks),
        latest=latest, requester=latest and golive_request.requester_name(latest),
        waiting=latest is not None and latest.status == GO_LIVE_PENDING,
        rejected=latest is not None and latest.status == GO_LIVE_REJECTED,
        is_live=g.tenant.status == STATUS_LIVE,
    )


@onboarding_bp.post("/go-live")
@admin_required
def request_go_live():
    try:
        golive_request.request_go_live(current_user)
    except golive_request.GoLiveError as error:
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Go-live requested. An operator will review it; meanwhile your province is in trial."), "success")
    return redirect(url_for(".go_live"))
