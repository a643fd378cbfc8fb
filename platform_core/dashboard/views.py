"""Province console: reports (officers). Charts with their tables, the monthly per-department summary, and a
CSV or XLSX download of every table, for the period chosen above them."""

from flask import abort, g, render_template, request

from platform_core.auth.permissions import officer_required
from platform_core.dashboard import departments, reports
from platform_core.dashboard.period import PeriodForm
from platform_core.dashboard.tables import download_response
from platform_core.tenancy.resolution import tenant_blueprint

reports_bp = tenant_blueprint("reports", __name__, url_prefix="/admin/reports")


def _period_form() -> PeriodForm:
    form = PeriodForm(request.args)
    form.validate()
    return form


def _file_name(key: str, period) -> str:
    return f"{g.tenant.slug}-{key}-{period.first.isoformat()}-{period.last.isoformat()}"


@reports_bp.get("/")
@officer_required
def index():
    form = _period_form()
    period = form.chosen()
    return render_template("dashboard/index.html", form=form, period=period,
                           tables=reports.all_reports(period, g.tenant.id))


@reports_bp.get("/<key>.<any(csv, xlsx):file_format>")
@officer_required
def download(key: str, file_format: str):
    report = reports.REPORTS.get(key)
    form = _period_form()
    if report is None:
        abort(404)
    if form.errors:
        abort(400)
    period = form.chosen()
    return download_response(report(period, g.tenant.id), _file_name(key, period), file_format)


@reports_bp.get("/departments")
@officer_required
def departments_page():
    form = _period_form()
    period = form.chosen()
    return render_template("dashboard/departments.html", form=form, period=period,
                           table=departments.summary(period, g.tenant.id))


@reports_bp.get("/departments.<any(csv, xlsx):file_format>")
@officer_required
def departments_download(file_format: str):
    form = _period_form()
    if form.errors:
        abort(400)
    period = form.chosen()
    return download_response(departments.summary(period, g.tenant.id), _file_name("departments", period),
                             file_format)
