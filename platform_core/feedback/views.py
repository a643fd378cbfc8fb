"""Province console: the feedback inbox, one feedback's page with its history and the officer's actions,
entering a feedback received by phone or at the counter, and its images (officers only; another province's
feedback is 404 like one that does not exist)."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import officer_required
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.feedback import attachments, deadlines, service
from platform_core.feedback.constants import (
    ACTION_LABELS,
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    CHANNEL_OFFICER,
    FORWARD,
    OFFICER_ACTIONS,
    REACTION_LABELS,
    STATUS_LABELS,
)
from platform_core.feedback.forms import ActionForm, InboxFilterForm, SubmissionForm
from platform_core.settings.service import province_settings
from platform_core.tenancy.resolution import tenant_blueprint
from platform_core.web.paging import page_number

feedback_admin_bp = tenant_blueprint("feedback_admin", __name__, url_prefix="/admin/feedback")
# The fields each action's form shows (the service checks which are required).
ACTION_FIELDS = {"reject": ("note",), "request_supplement": ("note",), "classify": ("category", "agency"),
                 "forward": ("agency",), "answer": ("answer",)}
LABELS = {"status_labels": STATUS_LABELS, "channel_labels": CHANNEL_LABELS, "category_labels": CATEGORY_LABELS,
          "action_labels": ACTION_LABELS, "reaction_labels": REACTION_LABELS}


@feedback_admin_bp.get("/")
@officer_required
def index():
    form = InboxFilterForm(request.args)
    page = None
    if form.validate():
        page = service.inbox(page_number(request.args.get("page")), status=form.status.data or None,
                             channel=form.channel.data or None, overdue=form.overdue.data, code=form.q.data)
    return render_template("feedback/index.html", form=form, page=page, escalated=service.escalated(),
                           now=utcnow(), current_deadline=deadlines.current_deadline, **LABELS)


@feedback_admin_bp.route("/new", methods=["GET", "POST"])
@officer_required
def new():
    form = SubmissionForm()
    if form.validate_on_submit():
        try:
            feedback = service.submit(CHANNEL_OFFICER, form.content.data, name=form.name.data,
                                      phone=form.phone.data, dossier_code=form.dossier_code.data, actor=current_user)
        except FieldError as error:
            getattr(form, error.field, form.content).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Feedback %(code)s was recorded.", code=feedback.code), "success")
            return redirect(url_for(".detail", feedback_id=feedback.id))
    status = 422 if form.errors else 200
    return render_template("feedback/new.html", form=form), status


@feedback_admin_bp.get("/<uuid:feedback_id>")
@officer_required
def detail(feedback_id):
    return _render_detail(_feedback_or_404(feedback_id))


@feedback_admin_bp.post("/<uuid:feedback_id>/<action>")
@officer_required
def act(feedback_id, action):
    feedback = _feedback_or_404(feedback_id)
    if action not in OFFICER_ACTIONS:
        abort(404)
    form = ActionForm(prefix=action)
    if not form.validate_on_submit():
        return _render_detail(feedback, failed=(action, form)), 422
    try:
        service.act(feedback, action, current_user, note=form.note.data, category=form.category.data,
                    agency=form.agency.data, answer=form.answer.data)
    except FieldError as error:
        db.session.rollback()  # nothing of a refused step is kept
        field = form._fields.get(error.field)
        if field is None:
            return _render_detail(_feedback_or_404(feedback_id), failed=(action, form), error=error.message), 422
        field.errors = [*field.errors, error.message]
        return _render_detail(_feedback_or_404(feedback_id), failed=(action, form)), 422
    db.session.commit()
    flash(_("%(code)s: %(step)s done.", code=feedback.code, step=ACTION_LABELS[action]), "success")
    if action == FORWARD:
        _say_who_was_told(form.agency.data.strip())
    return redirect(url_for(".detail", feedback_id=feedback_id))


def _say_who_was_told(agency: str) -> None:
    told = service.forward_audience(agency)
    if told:
        flash(_("Officials of %(agency)s given a notice to handle it: %(num)d (on Zalo once they link it).",
                agency=agency, num=told), "info")
    else:
        flash(_("No official of %(agency)s uses Motcua: send the feedback to them as you usually do.",
                agency=agency), "info")


@feedback_admin_bp.get("/<uuid:feedback_id>/attachments/<uuid:attachment_id>")
@officer_required
def attachment(feedback_id, attachment_id):
    found = attachments.get(_feedback_or_404(feedback_id), attachment_id)
    if found is None:
        abort(404)
    response = make_response(found.data)
    response.headers["Content-Type"] = found.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _feedback_or_404(feedback_id):
    feedback = service.get(feedback_id)
    if feedback is None:
        abort(404)
    return feedback


def _render_detail(feedback, failed=None, error=None):
    current = {"category": feedback.category, "agency": feedback.assigned_agency}  # classify again from here
    forms = {action: ActionForm(prefix=action, formdata=None, data=current if action == "classify" else None)
             for action in service.allowed_actions(feedback)}
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "feedback/detail.html", feedback=feedback, events=service.history(feedback), forms=forms,
        action_fields=ACTION_FIELDS, error=error, images=attachments.list_for(feedback), agencies=_agency_names(),
        deadline=deadlines.current_deadline(feedback), overdue=deadlines.is_overdue(feedback, utcnow()), **LABELS)


def _agency_names() -> list[str]:
    return [agency["name"] for agency in province_settings().agencies]
