"""Province console: satisfaction. Recent ratings with filters, and the reports for a period (by procedure,
agency and month, and Decision 766's dossier-satisfaction figure with its parts). Officers and admins."""

from datetime import date

from flask import abort, render_template, request

from platform_core.auth.permissions import officer_required
from platform_core.console.paging import page_number
from platform_core.db.types import utcnow
from platform_core.delivery.context import VIETNAM
from platform_core.ratings import console, reports
from platform_core.ratings.constants import (
    CHANNEL_LABELS,
    CRITERIA,
    GROUP_LABELS,
    INVITATION_STATUS_LABELS,
    SCALE,
    SCORES,
)
from platform_core.ratings.forms import RatingFilterForm
from platform_core.tenancy.resolution import tenant_blueprint

ratings_admin_bp = tenant_blueprint("ratings_admin", __name__, url_prefix="/admin/ratings")


@ratings_admin_bp.get("/")
@officer_required
def index():
    form = RatingFilterForm(request.args)
    chosen = _filter(form) if form.validate() else _filter(RatingFilterForm())
    groups = {group: reports.satisfaction_by(chosen.start, chosen.end, group) for group in GROUP_LABELS}
    return render_template(
        "ratings/index.html", form=form, chosen=chosen, groups=groups, group_labels=GROUP_LABELS,
        figure=reports.decision_766_figure(chosen.start, chosen.end), target=reports.DECISION_766_TARGET,
        invitations=reports.invitation_summary(chosen.start, chosen.end), invitation_labels=INVITATION_STATUS_LABELS,
        page=console.recent_ratings(chosen, page_number(request.args.get("page"))), scale=SCALE, scores=SCORES,
        channel_labels=CHANNEL_LABELS,
    )


@ratings_admin_bp.get("/<uuid:rating_id>")
@officer_required
def detail(rating_id):
    row = console.rating_detail(rating_id)
    if row is None:
        abort(404)
    return render_template("ratings/detail.html", row=row, scale=SCALE, criteria=CRITERIA,
                           channel_labels=CHANNEL_LABELS)


def _filter(form: RatingFilterForm) -> console.RatingFilter:
    """The form's choices; the period defaults to 1 January of this year to today (Vietnamese days)."""
    today = utcnow().astimezone(VIETNAM).date()
    return console.RatingFilter(
        start=form.start.data or date(today.year, 1, 1), end=form.end.data or today,
        procedure_code=(form.procedure.data or "").strip() or None,
        score=int(form.score.data) if form.score.data else None,
    )
