"""The operator's merge tool (`/operator/merges/`): choose two provinces, see the dry run table by table,
confirm, then follow the progress; and rename or reclassify a province. Operators only (anyone else: 404).

Each page that reads across tenants leaves its audit event (the dry run through cross_tenant), so it commits.
"""

import uuid

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from platform_core.auth.permissions import operator_required
from platform_core.extensions import db
from platform_core.mergers import jobs, service
from platform_core.mergers.constants import PHASE_LABELS, RUNNING, STATUSES
from platform_core.mergers.forms import MergeForm, RenameForm
from platform_core.mergers.models import TenantMerge
from platform_core.operator.views import operator_globals
from platform_core.tenancy.constants import STATUS_MERGED, UNIT_TYPES
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import TenantError, find_by_slug, rename
from platform_core.text import by_name
from platform_core.web.forms import options

RENAME_PREFIX = "rename"  # both forms are on one page: their fields need distinct ids
mergers_bp = Blueprint("mergers", __name__, url_prefix="/operator/merges")


@mergers_bp.context_processor
def _globals() -> dict:
    return operator_globals() | {"MERGE_STATUSES": STATUSES, "PHASE_LABELS": PHASE_LABELS,
                                 "UNIT_TYPES": UNIT_TYPES}


def _actor():
    return current_user._get_current_object()


def _tenant_choices() -> list[SelectChoice]:
    tenants = sorted(db.session.scalars(select(Tenant).where(Tenant.status != STATUS_MERGED)), key=by_name)
    return options({tenant.slug: f"{tenant.place_name} ({tenant.slug})" for tenant in tenants}, blank=_("Choose…"))


def _forms(merge_form=None, rename_form=None) -> tuple[MergeForm, RenameForm]:
    merge_form = merge_form or MergeForm(formdata=None)
    rename_form = rename_form or RenameForm(formdata=None, prefix=RENAME_PREFIX)
    merge_form.source.choices = merge_form.target.choices = rename_form.tenant.choices = _tenant_choices()
    return merge_form, rename_form


def _render_index(merge_form=None, rename_form=None, refusal=None, status=200):
    merge_form, rename_form = _forms(merge_form, rename_form)
    merges = db.session.scalars(select(TenantMerge).order_by(TenantMerge.created_at.desc()).limit(20)).all()
    names = {tenant.id: tenant.place_name for tenant in db.session.scalars(select(Tenant))}
    return render_template("mergers/index.html", merge_form=merge_form, rename_form=rename_form, merges=merges,
                           names=names, refusal=refusal, percent=service.percent), status


@mergers_bp.get("/")
@operator_required
def merges():
    return _render_index()


@mergers_bp.post("/dry-run")
@operator_required
def dry_run():
    def read(form, source, target):
        plan = service.dry_run(source, target, actor=_actor())
        return lambda: render_template("mergers/dry_run.html", plan=plan, form=form)

    return _with_merge_form(read)


@mergers_bp.post("/start")
@operator_required
def start():
    def begin(form, source, target):
        merge = service.start(source, target, actor=_actor(), legal_ref=form.legal_ref.data or None)

        def hand_to_worker():
            jobs.run_merge.enqueue(str(merge.id))
            flash(_("The merge has started."), "success")
            return redirect(url_for(".progress", merge_id=merge.id))
        return hand_to_worker

    return _with_merge_form(begin)


def _with_merge_form(action):
    """Validates the merge form and runs `action(form, source, target)`, which returns what to do once its work
    is committed (the dry run's audit event, the merge's record); a refusal re-renders the form with it (422)
    and writes nothing."""
    form = MergeForm()
    _forms(merge_form=form)
    if not form.validate_on_submit():
        return _render_index(merge_form=form, status=422)
    source, target = find_by_slug(form.source.data), find_by_slug(form.target.data)
    try:
        then = action(form, source, target)
    except TenantError as refused:
        db.session.rollback()
        return _render_index(merge_form=form, refusal=refused.message, status=422)
    db.session.commit()
    return then()


@mergers_bp.get("/<uuid:merge_id>")
@operator_required
def progress(merge_id: uuid.UUID):
    merge = db.session.get(TenantMerge, merge_id) or abort(404)
    source, target = db.session.get(Tenant, merge.source_id), db.session.get(Tenant, merge.target_id)
    return render_template("mergers/progress.html", merge=merge, source=source, target=target,
                           percent=service.percent(merge), totals=service.totals(merge),
                           running=merge.status == RUNNING)


@mergers_bp.post("/rename")
@operator_required
def rename_tenant():
    form = RenameForm(prefix=RENAME_PREFIX)
    _forms(rename_form=form)
    if not form.validate_on_submit():
        return _render_index(rename_form=form, status=422)
    tenant = find_by_slug(form.tenant.data) or abort(404)
    try:
        rename(tenant, name=form.name.data, unit_type=form.unit_type.data, legal_ref=form.legal_ref.data or None,
               effective_date=form.effective.data, actor=_actor())
    except TenantError as refused:
        db.session.rollback()
        form.name.errors = [_("Nothing changes: give a new name or a new kind.") if refused.field == "name"
                            else str(refused.message)]
        return _render_index(rename_form=form, status=422)
    db.session.commit()
    flash(_("The province is now called %(name)s.", name=tenant.place_name), "success")
    return redirect(url_for(".merges"))
