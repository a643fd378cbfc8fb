"""Province console: policy news. Admins compose, a second admin approves, then it is sent (now or at its
scheduled time) and followed on its page with a live progress bar; 404 for anything not the province's."""

from dataclasses import replace

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.broadcasts import article_broadcast, audience, jobs, progress, service
from platform_core.broadcasts.constants import (
    AUDIENCE_LABELS,
    CHANNEL_LABELS,
    CHANNEL_SHORT_LABELS,
    DRAFT,
    STATUS_LABELS,
)
from platform_core.broadcasts.forms import GENDERS, REGIONS, BroadcastForm
from platform_core.broadcasts.planning import message_for
from platform_core.db.types import utcnow
from platform_core.delivery import composed, trial
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.tenancy.resolution import tenant_blueprint
from platform_core.web.paging import page_number, paginate
from platform_core.zalo.articles import AGE_GROUPS

broadcasts_admin_bp = tenant_blueprint("broadcasts_admin", __name__, url_prefix="/admin/broadcasts")


def _broadcast_or_404(broadcast_id: str):
    broadcast = service.get(broadcast_id)
    if broadcast is None:
        abort(404)
    return broadcast


@broadcasts_admin_bp.get("/")
@admin_required
def index():
    page = paginate(service.recent(), page_number(request.args.get("page")))
    return render_template("broadcasts/index.html", page=page, STATUS_LABELS=STATUS_LABELS,
                           CHANNEL_SHORT_LABELS=CHANNEL_SHORT_LABELS)


@broadcasts_admin_bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    return _compose(None)


@broadcasts_admin_bp.route("/<broadcast_id>/edit", methods=["GET", "POST"])
@admin_required
def edit(broadcast_id: str):
    broadcast = _broadcast_or_404(broadcast_id)
    if broadcast.status != DRAFT:
        flash(_("Only a draft can be changed."), "error")
        return redirect(url_for(".show", broadcast_id=broadcast.id))
    return _compose(broadcast)


def _compose(broadcast):
    form = BroadcastForm()
    if request.method == "GET" and broadcast is not None:
        form.fill(broadcast)
    if form.validate_on_submit():
        try:
            if broadcast is None:
                broadcast = service.create(form.draft(), current_user)
            else:
                service.update(broadcast, form.draft(), current_user)
        except FieldError as error:
            db.session.rollback()
            target = form._fields.get(error.field, form.audience)
            target.errors = [*target.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Draft saved. Check the preview, then submit it for approval."), "success")
            return redirect(url_for(".show", broadcast_id=broadcast.id))
    return render_template("broadcasts/compose.html", form=form, broadcast=broadcast,
                           communes=audience.communes()), 422 if form.errors else 200


@broadcasts_admin_bp.get("/<broadcast_id>")
@admin_required
def show(broadcast_id: str):
    broadcast = _broadcast_or_404(broadcast_id)
    current = _settled_progress(broadcast)
    # the banner is shown from our own page (it may not be on Zalo's server yet)
    card = composed.promotion_card(replace(message_for(broadcast), image_attachment_id=None, image_url=None))
    return render_template(
        "broadcasts/show.html", broadcast=broadcast, progress=current, failures=progress.failures(broadcast),
        card=card, estimate=audience.estimate(broadcast.audience), in_trial=trial.is_restricted(),
        may_approve=service.may_approve(broadcast, current_user), STATUS_LABELS=STATUS_LABELS,
        AUDIENCE_LABELS=AUDIENCE_LABELS, CHANNEL_LABELS=CHANNEL_LABELS, target_text=_target_text(broadcast),
        not_allowed=article_broadcast.is_not_allowed(broadcast))


def _target_text(broadcast) -> str:
    """The article broadcast's Zalo target in words: "Ages 35-44, 45-54 · Women · The North"."""
    target = broadcast.article_target or {}
    parts = [_("Ages %(groups)s", groups=", ".join(AGE_GROUPS[age] for age in target.get("ages") or ()))
             if target.get("ages") else _("Every age"), str(GENDERS[str(target.get("gender") or 0)])]
    if target.get("cities"):
        parts.append(_("Zalo province codes %(codes)s", codes=", ".join(target["cities"])))
    else:
        parts.append(", ".join(str(REGIONS[str(r)]) for r in target.get("regions") or ()) or _("The whole country"))
    return " · ".join(parts)


@broadcasts_admin_bp.get("/<broadcast_id>/progress")
@admin_required
def progress_json(broadcast_id: str):
    broadcast = _broadcast_or_404(broadcast_id)
    current = _settled_progress(broadcast)
    return jsonify({**current.as_json(), "status": broadcast.status,
                    "status_label": str(STATUS_LABELS[broadcast.status]),
                    "skipped": broadcast.skipped_count})


def _settled_progress(broadcast) -> progress.Progress:
    now = utcnow()
    current = progress.progress(broadcast, now)
    if progress.settle(broadcast, current, now):
        db.session.commit()
    return current


@broadcasts_admin_bp.get("/<broadcast_id>/image")
@admin_required
def image(broadcast_id: str):
    broadcast = _broadcast_or_404(broadcast_id)
    if not broadcast.image:
        abort(404)
    response = Response(broadcast.image, mimetype=broadcast.image_content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"  # a draft's image can be replaced
    return response


@broadcasts_admin_bp.post("/<broadcast_id>/<action>")
@admin_required
def act(broadcast_id: str, action: str):
    broadcast = _broadcast_or_404(broadcast_id)
    steps = {
        "submit": (lambda: service.submit(broadcast, current_user), _("Submitted: another administrator must "
                                                                        "approve it.")),
        "approve": (lambda: service.approve(broadcast, current_user, utcnow()), _("Approved.")),
        "return": (lambda: service.return_to_draft(broadcast, current_user), _("Sent back to its author as a draft.")),
        "send": (lambda: service.send_now(broadcast, current_user, utcnow()), _("Sending has started.")),
        "cancel": (lambda: service.cancel(broadcast, current_user, utcnow()), _("Cancelled: nothing more is sent.")),
    }
    if action not in steps:
        abort(404)
    step, done = steps[action]
    try:
        step()
    except FieldError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if action == "send":
            jobs.plan_broadcast.enqueue(str(broadcast.id))
        flash(done, "success")
    return redirect(url_for(".show", broadcast_id=broadcast_id))
