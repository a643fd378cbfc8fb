"""Province console: message templates. The list of messages, the editor with a live preview of the Zalo card,
each message's history, a diff of any version against the current one, and restore.

The editor (`editor_page`) is shared with the setup wizard's templates step, which frames it differently.
Every rule is the service's (notices/templates.py); saves and restores are audited there.
"""

from collections.abc import Callable

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.notices import templates
from platform_core.notices.forms import EDITED_FIELDS, TemplateForm, translate_errors
from platform_core.notices.kinds import KINDS, fields_of_kind
from platform_core.notices.placeholders import offered
from platform_core.notices.rendering import TEXT_LIMITS, RenderError
from platform_core.notices.templates import TemplateInvalid
from platform_core.notices.zns_check import ZNS_SKIPPED, ZnsCheck, check_zns
from platform_core.tenancy.resolution import tenant_blueprint

templates_admin_bp = tenant_blueprint("templates_admin", __name__, url_prefix="/admin/templates")

@templates_admin_bp.get("/")
@admin_required
def index():
    entries = templates.overview()
    _keep_first_versions()
    return render_template("delivery/index.html", entries=entries, kinds=KINDS)


@templates_admin_bp.route("/<kind>", methods=["GET", "POST"])
@admin_required
def edit(kind: str):
    return editor_page(kind, lambda **context: render_template("delivery/edit.html", **context),
                       saved_url=url_for(".history", kind=kind))


@templates_admin_bp.post("/<kind>/preview")
@admin_required
def preview(kind: str):
    """The live preview (template-preview.js posts the form here): the card as HTML to swap in, and the
    rendered data; refused input is a 422 with the messages by field."""
    _current_or_404(kind)
    form = TemplateForm()
    shown = _checked_preview(kind, form, form.template_fields())
    html = render_template("delivery/_preview.html", preview=shown, form=form, limits=TEXT_LIMITS)
    if shown is None:
        return jsonify(errors=form.error_messages(), html=html), 422
    return jsonify(html=html, **shown)


@templates_admin_bp.get("/<kind>/history")
@admin_required
def history(kind: str):
    current = _current_or_404(kind)
    return render_template("delivery/history.html", kind=kind, label=KINDS[kind][0], current=current,
                           entries=templates.history_entries(kind))


@templates_admin_bp.get("/<kind>/versions/<int:version>")
@admin_required
def version(kind: str, version: int):
    """One version: its preview, and what changed between it and the current version."""
    current = _current_or_404(kind)
    entry = next((e for e in templates.history_entries(kind) if e.template.version == version), None)
    if entry is None:
        abort(404)
    return render_template("delivery/version.html", kind=kind, label=KINDS[kind][0], entry=entry,
                           current=current, changes=templates.changes(entry.template, current),
                           field_labels=_field_labels(), limits=TEXT_LIMITS, **_safe_preview(kind, version))


@templates_admin_bp.post("/<kind>/versions/<int:version>/restore")
@admin_required
def restore(kind: str, version: int):
    """Brings an old version back as a new one (history only grows; the save is audited with the source)."""
    current = _current_or_404(kind)
    _version_or_404(kind, version)
    if version == current.version:
        flash(_("Version %(version)s is already the one in use.", version=version), "info")
        return redirect(url_for(".history", kind=kind))
    try:
        restored = templates.restore(kind, version, actor=current_user)
    except TemplateInvalid as refused:
        labels = _field_labels()
        reasons = [f"{labels.get(name, name)}: {message}" for name, messages in translate_errors(refused.errors).items()
                   for message in messages]
        flash(_("Version %(version)s cannot be restored: %(reasons)s", version=version, reasons=" ".join(reasons)),
              "error")
        return redirect(url_for(".version", kind=kind, version=version))
    db.session.commit()
    flash(_("Version %(old)s restored as version %(new)s.", old=version, new=restored.version), "success")
    return redirect(url_for(".history", kind=kind))


# --- the editor, shared with the setup wizard ------------------------------------------------------------------

def editor_page(kind: str, render: Callable[..., str], saved_url: str):
    """The editor for `kind`. GET shows the current version; "Preview" re-renders the page with what was
    entered (the page works without JavaScript); "Save" adds a version and goes to `saved_url`. Refused input
    is shown on its fields with status 422, and nothing is saved."""
    current = _current_or_404(kind)
    if request.method == "GET":
        form = TemplateForm.of(current)
        return render(**_editor_context(kind, form, current, _safe_preview(kind)["preview"]))
    form = TemplateForm()
    fields = form.template_fields()
    if request.form.get("action") == "save" and not form.has_errors:
        if _save(kind, form, fields):
            return redirect(saved_url)
        shown = None
    else:
        shown = _checked_preview(kind, form, fields)
    return render(**_editor_context(kind, form, current, shown)), 422 if form.has_errors else 200


def _save(kind: str, form: TemplateForm, fields: dict) -> bool:
    label = KINDS[kind][0]
    if not templates.has_changes(kind, fields):
        flash(_("Nothing changed in “%(message)s”: no new version was saved.", message=label), "info")
        return True
    zns = check_zns(fields) if _zns_changed(kind, fields) else ZnsCheck()
    if zns.problems:
        form.show_errors(zns.problems)
        _checked_preview(kind, form, fields)  # the other fields' problems, shown at the same time
        return False
    try:
        saved = templates.save_template(kind, fields, actor=current_user, based_on=form.based_on_version())
    except TemplateInvalid as refused:
        form.show_errors(refused.errors)
        return False
    db.session.commit()
    flash(_("“%(message)s” saved as version %(version)s.", message=label, version=saved.version), "success")
    if zns.skipped:
        flash(str(ZNS_SKIPPED[zns.skipped]), "info")
    return True


def _zns_changed(kind: str, fields: dict) -> bool:
    """Zalo is asked about the ZNS template only when its id or parameters change."""
    current = templates.current_template(kind)
    return (fields["zns_template_id"], fields["zns_params"]) != (current.zns_template_id, current.zns_params or {})


def _checked_preview(kind: str, form: TemplateForm, fields: dict) -> dict | None:
    """The preview of the entered values, or None with every problem shown on the form."""
    try:
        shown = templates.preview(kind, fields)
    except TemplateInvalid as refused:
        form.show_errors(refused.errors)
        return None
    return None if form.has_errors else shown


def _safe_preview(kind: str, version: int | None = None) -> dict:
    """A saved version's preview. Versions were checked when saved, but one may no longer render (a field
    the platform stopped providing): that is shown on the page, not a 500."""
    try:
        return {"preview": templates.preview(kind, version=version), "preview_problem": None}
    except RenderError as error:
        return {"preview": None, "preview_problem": f"{error.field}: {error.message}"}


def _editor_context(kind: str, form: TemplateForm, current, shown: dict | None) -> dict:
    label, hint = KINDS[kind]
    return {
        "kind": kind, "label": label, "hint": hint, "form": form, "current": current, "preview": shown,
        "preview_url": url_for("templates_admin.preview", kind=kind), "fields": offered(fields_of_kind(kind)),
        "sample": templates.sample_context(kind), "limits": TEXT_LIMITS,
    }


def _field_labels() -> dict:
    form = TemplateForm(formdata=None)
    return {name: form[name].label.text for name in EDITED_FIELDS}


def _current_or_404(kind: str):
    if kind not in KINDS:
        abort(404)
    current = templates.current_template(kind)
    _keep_first_versions()
    return current


def _keep_first_versions() -> None:
    """Version 1 is made from the province's files the first time it is needed; keep it, so that its date
    in the history is when it was first shown, not each time a page is opened."""
    db.session.commit()


def _version_or_404(kind: str, version: int):
    try:
        return templates.template_version(kind, version)
    except FieldError:
        abort(404)
