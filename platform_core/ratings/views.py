"""Province console: satisfaction. Recent ratings with filters, and the reports for a period (by procedure,
agency and month, and Decision 766's dossier-satisfaction figure with its parts): officers and admins. The
province's ZNS rating template: admins."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from platform_core.auth.permissions import admin_required, officer_required
from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.notices import rendering, templates
from platform_core.notices.context import CONTEXT_FIELDS
from platform_core.notices.placeholders import offered
from platform_core.notices.zns_check import ZNS_SKIPPED, ZnsCheck, check_zns
from platform_core.ratings import console, reports
from platform_core.ratings.constants import (
    CHANNEL_LABELS,
    CRITERIA,
    GROUP_LABELS,
    GROUP_MONTH,
    INVITATION_STATUS_LABELS,
    SCALE,
    SCORES,
)
from platform_core.ratings.forms import RatingFilterForm, RatingZnsForm
from platform_core.settings.service import province_settings, save_setting
from platform_core.tenancy.resolution import tenant_blueprint
from platform_core.web import charts
from platform_core.web.paging import page_number

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
        channel_labels=CHANNEL_LABELS, zns_template=province_settings().rating_zns, trend=_trend(groups[GROUP_MONTH]),
    )


def _trend(months: list) -> Markup:
    """The share of satisfied ratings month by month (server-drawn SVG; the month table below has the figures)."""
    return charts.line("chart-ratings-trend", _("Satisfied ratings by month (%)"),
                       _("Share of ratings “Hài lòng” or “Rất hài lòng”, per month, oldest first."),
                       [row.label for row in months],
                       [charts.Series(_("Satisfied (%)"), [row.percent_satisfied or 0 for row in months])])


@ratings_admin_bp.route("/zns", methods=["GET", "POST"])
@admin_required
def zns_template():
    """The province's ZNS rating template: checked as a message template's ZNS fields are (syntax, then
    Zalo's own description of the template), saved, or removed by emptying the id."""
    form = RatingZnsForm() if request.method == "POST" else RatingZnsForm.of(province_settings().rating_zns)
    if form.validate_on_submit():
        fields = form.zns_fields()
        form.show_errors(rendering.validate_zns(fields["zns_template_id"], fields["zns_params"] or None))
        checked = ZnsCheck() if form.has_errors else check_zns(fields)
        form.show_errors(checked.problems)
        if not form.has_errors:
            save_setting("rating_zns", fields, current_user)
            db.session.commit()
            flash(_("ZNS rating template saved.") if fields["zns_template_id"] else
                  _("ZNS rating template removed: invitations go by Zalo chat only."), "success")
            if checked.skipped:
                flash(str(ZNS_SKIPPED[checked.skipped]), "info")
            return redirect(url_for(".zns_template"))
    status = 422 if request.method == "POST" else 200
    return render_template("ratings/zns.html", form=form, fields=offered(CONTEXT_FIELDS),
                           sample=templates.sample_context()), status


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
