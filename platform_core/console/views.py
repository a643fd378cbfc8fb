"""The province console's own pages: dashboard and dossiers (officers), and the audit log (administrators)."""

from flask import abort, g, render_template, request
from flask_babel import lazy_gettext as _l

from platform_core.auth.permissions import admin_required, officer_required
from platform_core.console import service
from platform_core.console.audit_view import audit_line
from platform_core.console.constants import AUDIT_ACTION_LABELS
from platform_core.console.deliveries import table_context
from platform_core.console.forms import AuditFilterForm, DossierSearchForm
from platform_core.console.nav import console_nav
from platform_core.console.tasks import waiting_tasks
from platform_core.db.types import utcnow
from platform_core.delivery.constants import CHANNEL_LABELS
from platform_core.dossiers.constants import STATUS_LABELS
from platform_core.onboarding.constants import GO_LIVE_STATUSES
from platform_core.results import service as results
from platform_core.results.constants import REMOVED_LABELS
from platform_core.tenancy.resolution import tenant_blueprint
from platform_core.web.forms import options
from platform_core.web.paging import page_number
from platform_core.zalo.connection import get_connection, masked_view
from platform_core.zalo.constants import CONNECTION_STATUSES

console_bp = tenant_blueprint("console", __name__, url_prefix="/admin")


@console_bp.app_context_processor
def _navigation() -> dict:
    """Every page's layout can show the console's navigation (empty outside a province or signed out)."""
    return {"console_nav": console_nav}


@console_bp.get("/")
@officer_required
def dashboard():
    connection = masked_view(get_connection())
    return render_template(
        "console/dashboard.html", today=service.today_numbers(), channel_labels=CHANNEL_LABELS,
        tasks=waiting_tasks(utcnow(), connection["status"]), connection=connection,
        connection_statuses=CONNECTION_STATUSES,
        setup=service.setup_state(g.tenant), go_live=service.latest_go_live_request(),
        go_live_statuses=GO_LIVE_STATUSES,
    )


@console_bp.get("/dossiers")
@officer_required
def dossiers():
    form = DossierSearchForm(request.args)
    page = None
    if form.validate():
        page = service.search_dossiers(form.q.data or "", page_number(request.args.get("page")))
    return render_template("console/dossiers.html", form=form, page=page, status_labels=STATUS_LABELS,
                           **table_context())


@console_bp.get("/dossiers/<uuid:dossier_id>")
@officer_required
def dossier(dossier_id):
    detail = service.dossier_detail(dossier_id)
    if detail is None:
        abort(404)
    result = results.latest_result(detail.dossier)
    return render_template("console/dossier.html", detail=detail, status_labels=STATUS_LABELS,
                           result=results.status_of(result) if result else None, removed_labels=REMOVED_LABELS,
                           **table_context())


@console_bp.get("/audit")
@admin_required
def audit_log():
    form = AuditFilterForm(request.args)
    actions = {action: AUDIT_ACTION_LABELS.get(action, action) for action in service.audit_actions()}
    form.action.choices = options(actions, blank=_l("All actions"))
    page = service.audit_events(form.action.data or None, page_number(request.args.get("page")))
    return render_template("console/audit_log.html", form=form, page=page, audit_line=audit_line)
