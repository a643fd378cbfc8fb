"""The operator console (`/operator/`): tenants and invitations, go-live decisions, suspension, limits,
queues and failed jobs, Zalo connections needing reconnect.

Every view is for platform operators only (anyone else gets 404). Every page that reads tenants' data leaves
a cross-tenant audit event, so GET views commit; every change is audited by the service it calls.
"""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import select

from platform_core.auth.permissions import operator_required
from platform_core.dashboard import across
from platform_core.dashboard.period import PeriodForm
from platform_core.dashboard.tables import download_response
from platform_core.db.tenant_context import tenant_context
from platform_core.db.types import utcnow
from platform_core.delivery.constants import CLASS_BULK, CLASS_TX, MESSAGE_CLASSES
from platform_core.extensions import db
from platform_core.onboarding import golive
from platform_core.onboarding.constants import GO_LIVE_STATUSES
from platform_core.onboarding.emails import offer_invitation
from platform_core.onboarding.invitations import InvitationError, invite_province
from platform_core.operator import queues, service
from platform_core.operator.forms import InviteForm, LimitsForm, ReasonForm
from platform_core.operator.history import change_sentence, reason_text
from platform_core.tenancy.constants import STATUSES
from platform_core.tenancy.models import Province
from platform_core.tenancy.service import TenantError, find_by_slug, ref
from platform_core.zalo.constants import CONNECTION_STATUSES

operator_bp = Blueprint("operator", __name__, url_prefix="/operator")

NAV_ITEMS = (
    ("operator.tenants", _l("Tenants")),
    ("operator.go_live_requests", _l("Go-live requests")),
    ("operator.queues_page", _l("Queues and failed jobs")),
    ("operator.zalo_connections", _l("Zalo connections")),
    ("operator.reports", _l("Reports across provinces")),
    ("mergers.merges", _l("Mergers and renames")),
)
MESSAGE_CLASS_LABELS = {CLASS_TX: _l("Transactional"), CLASS_BULK: _l("Bulk")}


@operator_bp.context_processor
def operator_globals() -> dict:
    """What every operator page's frame uses (the merge tool's pages too, mergers/views.py)."""
    return {"operator_nav": NAV_ITEMS, "MESSAGE_CLASS_LABELS": MESSAGE_CLASS_LABELS, "age": service.age,
            "ZALO_STATUSES": CONNECTION_STATUSES, "GO_LIVE_STATUSES": GO_LIVE_STATUSES}


def _actor():
    """The real User behind `current_user` (the proxy's type would end up in audit rows)."""
    return current_user._get_current_object()


def _tenant_or_404(slug: str):
    tenant = find_by_slug(slug)
    if tenant is None:
        abort(404)
    return tenant


# --- tenants and invitations --------------------------------------------------------------------------------

@operator_bp.get("/")
@operator_required
def tenants():
    return _render_tenants()


@operator_bp.post("/provinces/<slug>/invite")
@operator_required
def invite(slug: str):
    if db.session.scalar(select(Province.id).where(Province.slug == slug)) is None:
        abort(404)
    form = InviteForm(prefix=slug)
    if not form.validate_on_submit():
        return _render_tenants(invite_form=(slug, form))
    try:
        tenant, invitation, link = invite_province(slug, form.email.data, form.contact_name.data, actor=_actor())
    except (InvitationError, TenantError) as refused:
        db.session.rollback()
        return _render_tenants(invite_form=(slug, form), invite_error=_invitation_refusal(slug, refused, form))
    invited = {"province": tenant.name, "email": invitation.email, "link": link}
    with tenant_context(ref(tenant)):
        db.session.commit()  # the invitation and its audit event are the new tenant's rows
    invited["delivery"] = offer_invitation(invitation, link)  # after the commit: a sent link always exists
    return _render_tenants(invited=invited)



def _invitation_refusal(slug: str, refused: InvitationError | TenantError, form: InviteForm) -> str | None:
    """A refusal about a field goes under that field; about the province, above the list."""
    if refused.field == "email":
        form.email.errors = [_("Enter an e-mail address like name@example.gov.vn.")]
        return None
    if refused.field == "contact_name":
        form.contact_name.errors = [_("Enter the person's name.")]
        return None
    tenant = find_by_slug(slug)
    if tenant is None:
        return _("This province cannot be invited.")
    return _("%(name)s is already on board; it cannot be invited again.", name=tenant.name)


def _render_tenants(invite_form=None, invite_error=None, invited=None):
    now = utcnow()
    query = (request.args.get("q") or "").strip()
    rows = service.needing_attention_first(service.tenants_overview(_actor(), now), query, now)
    db.session.commit()  # the cross-tenant audit event
    provinces = service.provinces_to_invite()
    forms = {province.slug: InviteForm(prefix=province.slug, formdata=None) for province, _tenant in provinces}
    if invite_form is not None:
        forms[invite_form[0]] = invite_form[1]
    return render_template("operator/tenants.html", rows=rows, query=query, now=now,
                           attention_labels=service.ATTENTION_LABELS, provinces=provinces, invite_forms=forms,
                           invite_error=invite_error, open_form=invite_form[0] if invite_form else None,
                           invited=invited)


# --- one tenant: suspension and limits ----------------------------------------------------------------------

@operator_bp.get("/tenants/<slug>")
@operator_required
def tenant(slug: str):
    return _render_tenant(_tenant_or_404(slug))


@operator_bp.post("/tenants/<slug>/suspend")
@operator_required
def suspend(slug: str):
    return _change_status(_tenant_or_404(slug), service.suspend)


@operator_bp.post("/tenants/<slug>/resume")
@operator_required
def resume(slug: str):
    return _change_status(_tenant_or_404(slug), service.resume)


def _change_status(tenant, change):
    form = ReasonForm()
    if not form.validate_on_submit():
        return _render_tenant(tenant, status_form=form)
    try:
        change(tenant, form.reason.data, actor=_actor())
    except TenantError:  # refused before anything changed
        form.form_errors.append(_("This change is not possible from the status %(status)s.",
                                  status=_status_label(tenant.status)))
        return _render_tenant(tenant, status_form=form)
    db.session.commit()
    flash(_("%(name)s is now %(status)s.", name=tenant.name, status=_status_label(tenant.status)), "success")
    return redirect(url_for(".tenant", slug=tenant.slug))


@operator_bp.post("/tenants/<slug>/limits/<message_class>")
@operator_required
def limits(slug: str, message_class: str):
    tenant = _tenant_or_404(slug)
    if message_class not in MESSAGE_CLASSES:
        abort(404)
    form = LimitsForm(prefix=message_class)
    if not form.validate_on_submit():
        return _render_tenant(tenant, limits_form=(message_class, form))
    service.update_limits(tenant, message_class, form.per_minute.data, form.burst.data, form.daily_cap.data,
                          actor=_actor())
    db.session.commit()
    flash(_("Limits for %(kind)s messages saved.", kind=MESSAGE_CLASS_LABELS[message_class]), "success")
    return redirect(url_for(".tenant", slug=tenant.slug))


def _render_tenant(tenant, status_form=None, limits_form=None):
    detail = service.tenant_detail(tenant, _actor())
    db.session.commit()  # the audit event of the read
    limits_forms = {
        name: LimitsForm(prefix=name, formdata=None, per_minute=value.per_minute, burst=value.burst,
                         daily_cap=value.daily_cap)
        for name, value in detail.limits.items()
    }
    if limits_form is not None:
        limits_forms[limits_form[0]] = limits_form[1]
    return render_template("operator/tenant.html", tenant=tenant, detail=detail,
                           history=service.status_history(tenant), change_sentence=change_sentence,
                           reason_text=reason_text, limits_forms=limits_forms,
                           status_form=status_form or ReasonForm(formdata=None))


def _status_label(status: str) -> str:
    return str(STATUSES.get(status, status))


# --- go-live requests ---------------------------------------------------------------------------------------

@operator_bp.get("/go-live")
@operator_required
def go_live_requests():
    return _render_go_live()


@operator_bp.post("/go-live/<slug>/<uuid:request_id>/approve")
@operator_required
def approve_go_live(slug: str, request_id: uuid.UUID):
    tenant = _tenant_or_404(slug)
    return _decide(tenant, request_id, lambda pending: golive.approve(pending, tenant, actor=_actor()),
                   _("%(name)s is live.", name=tenant.name))


@operator_bp.post("/go-live/<slug>/<uuid:request_id>/reject")
@operator_required
def reject_go_live(slug: str, request_id: uuid.UUID):
    tenant = _tenant_or_404(slug)
    form = ReasonForm(prefix=str(request_id))
    if not form.validate_on_submit():
        return _render_go_live(reject_form=(str(request_id), form))
    return _decide(tenant, request_id,
                   lambda pending: golive.reject(pending, tenant, form.reason.data, actor=_actor()),
                   _("The request of %(name)s is rejected; the province sees your reason.", name=tenant.name))


def _decide(tenant, request_id: uuid.UUID, decide, success: str):
    """In the tenant's context: its request is found only under its own slug, and the decision's writes
    are the tenant's rows."""
    with tenant_context(ref(tenant)):
        pending = golive.pending_request(request_id)
        if pending is None:
            flash(_("This request was already decided."), "error")
            return redirect(url_for(".go_live_requests"))
        try:
            decide(pending)
        except golive.GoLiveError as refused:  # refused before anything changed
            flash(_go_live_refusal(refused, tenant), "error")
            return redirect(url_for(".go_live_requests"))
        db.session.commit()
    flash(success, "success")
    return redirect(url_for(".go_live_requests"))


def _go_live_refusal(refused: golive.GoLiveError, tenant) -> str:
    if refused.field == "status":
        return _("%(name)s is not in trial (status: %(status)s); nothing was changed.",
                 name=tenant.name, status=_status_label(tenant.status))
    return _("This request was already decided.")


def _render_go_live(reject_form=None):
    rows = service.pending_go_live_requests(_actor())
    db.session.commit()  # the cross-tenant audit event
    forms = {row.id: ReasonForm(prefix=row.id, formdata=None) for row in rows}
    if reject_form is not None:
        forms[reject_form[0]] = reject_form[1]
    return render_template("operator/go_live.html", rows=rows, reject_forms=forms,
                           open_form=reject_form[0] if reject_form else None)


# --- queues and failed jobs ---------------------------------------------------------------------------------

@operator_bp.get("/queues")
@operator_required
def queues_page():
    try:
        depths, failed = queues.queue_depths(), queues.failed_jobs()
    except RedisError:
        return render_template("operator/queues.html", unreachable=True), 503
    return render_template("operator/queues.html", depths=depths, failed=failed,
                           tenant_names=service.tenant_names())


@operator_bp.post("/queues/<queue>/jobs/<job_id>/retry")
@operator_required
def retry_job(queue: str, job_id: str):
    try:
        described = queues.retry(queue, job_id, actor=_actor())
    except queues.RetryError as refused:
        if refused.field == "queue":
            abort(404)
        flash(_("This job is no longer among the failed jobs."), "error")
        return redirect(url_for(".queues_page"))
    db.session.commit()
    flash(_("The job %(function)s is back on the %(queue)s queue.", function=described.function, queue=queue),
          "success")
    return redirect(url_for(".queues_page"))


# --- Zalo connections ---------------------------------------------------------------------------------------

@operator_bp.get("/zalo")
@operator_required
def zalo_connections():
    rows = service.reconnect_needed(_actor())
    db.session.commit()  # the cross-tenant audit event
    return render_template("operator/zalo.html", rows=rows)


# --- reports across provinces (counts only) -----------------------------------------------------------------

@operator_bp.get("/reports")
@operator_required
def reports():
    form = PeriodForm(request.args)
    form.validate()
    period = form.chosen()
    table = across.provinces(period, _actor())
    db.session.commit()  # the cross-tenant audit event
    return render_template("dashboard/operator.html", form=form, period=period, table=table)


@operator_bp.get("/reports.<any(csv, xlsx):file_format>")
@operator_required
def reports_download(file_format: str):
    form = PeriodForm(request.args)
    if not form.validate():
        abort(400)
    period = form.chosen()
    table = across.provinces(period, _actor())
    db.session.commit()
    return download_response(table, f"provinces-{period.first.isoformat()}-{period.last.isoformat()}", file_format)
