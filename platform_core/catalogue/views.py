"""Province console: the procedure catalogue (list, search, edit, enable/disable, export, import).

An import is two requests: the upload is checked and previewed (nothing written; the checked rows wait in
pending.py under the tenant's id), then the confirmation applies exactly what was previewed in one
transaction. The setup wizard's catalogue step uses the same two functions, `preview_upload` and
`confirm_upload`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.catalogue import exporter, importer, pending, sample, service
from platform_core.catalogue.columns import CHOICES, COLUMNS, LABELS
from platform_core.catalogue.constants import LEVELS, MAX_UPLOAD_BYTES, MAX_UPLOAD_ROWS, PAGE_SIZE
from platform_core.catalogue.forms import ProcedureForm, UploadForm
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.tenancy.resolution import tenant_blueprint

catalogue_admin_bp = tenant_blueprint("catalogue_admin", __name__, url_prefix="/admin/procedures")

LIST_ARGS = ("q", "field", "enabled", "page")
_ENABLED_FILTER = {"yes": True, "no": False}


@catalogue_admin_bp.get("/")
@admin_required
def index():
    q, field = request.args.get("q", "").strip()[:100], request.args.get("field", "")
    enabled = request.args.get("enabled", "")
    procedures = service.search(q, field, _ENABLED_FILTER.get(enabled))
    pages = max(1, ceil(len(procedures) / PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    filters = {"q": q, "field": field, "enabled": enabled}
    return render_template(
        "catalogue/index.html", procedures=procedures[(page - 1) * PAGE_SIZE:page * PAGE_SIZE],
        total=len(procedures), page=page, pages=pages, filters=filters,
        filter_args={name: value for name, value in filters.items() if value}, fields=service.fields(),
        CHOICES=CHOICES,
    )


@catalogue_admin_bp.route("/<code>", methods=["GET", "POST"])
@admin_required
def edit(code: str):
    procedure = _procedure_or_404(code)
    form = ProcedureForm(service.values_of(procedure))
    if form.validate_on_submit():
        if service.update_procedure(procedure, form.values, actor=current_user):
            db.session.commit()
            flash(_("Procedure %(code)s saved.", code=procedure.code), "success")
        else:
            flash(_("Nothing to save: no value was changed."), "info")
        return redirect(url_for(".index"))
    status = 422 if form.errors else 200
    return render_template("catalogue/edit.html", procedure=procedure, form=form, LEVELS=LEVELS,
                           province_agencies=service.province_agencies()), status


@catalogue_admin_bp.post("/<code>/enabled")
@admin_required
def toggle(code: str):
    procedure = _procedure_or_404(code)
    enabled = request.form.get("offer") == "yes"
    if service.set_enabled(procedure, enabled, actor=current_user):
        db.session.commit()
    if enabled:
        flash(_("%(code)s is offered to citizens.", code=procedure.code), "success")
    else:
        flash(_("%(code)s is no longer offered to citizens.", code=procedure.code), "success")
    kept = {name: request.form[name] for name in LIST_ARGS if request.form.get(name)}
    return redirect(url_for(".index", **kept))


@catalogue_admin_bp.get("/export/<any(csv, xlsx):file_format>")
@admin_required
def export(file_format: str):
    name = exporter.filename(g.tenant.slug, file_format, utcnow().date())
    return _download(service.list_procedures(), file_format, name)


def _download(procedures: list, file_format: str, name: str) -> Response:
    body, mimetype = ((exporter.to_csv(procedures), exporter.CSV_TYPE) if file_format == "csv"
                      else (exporter.to_xlsx(procedures), exporter.XLSX_TYPE))
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@catalogue_admin_bp.get("/import/sample.<any(csv, xlsx):file_format>")
@admin_required
def sample_file(file_format: str):
    """A file to start from when the catalogue is empty or the format unknown (sample.py)."""
    procedures = sample.sample_procedures()
    return _download(procedures, file_format, f"mau-thu-tuc-{g.tenant.slug}.{file_format}")


@catalogue_admin_bp.route("/import", methods=["GET", "POST"])
@admin_required
def import_file():
    render = _console_page()
    if request.method == "GET":
        return render(form=UploadForm())
    return preview_upload(render, service.current_values, confirm_endpoint=".confirm_import")


@catalogue_admin_bp.get("/import/<token>")
@admin_required
def pending_import(token: str):
    return show_pending(token, service.current_values, _console_page(), confirm_endpoint=".confirm_import")


@catalogue_admin_bp.post("/import/<token>")
@admin_required
def confirm_import(token: str):
    return confirm_upload(token, service.current_values, _console_page(),
                          confirm_endpoint=".confirm_import", done=lambda counts: redirect(url_for(".index")))


# --- the import's two steps, shared with the setup wizard ----------------------------------------------------

@dataclass
class Preview:
    """What the preview page shows: the file's refusal, or its row errors, or the plan to confirm."""

    filename: str = ""
    refused: str | None = None
    errors: list | None = None
    plan: importer.Plan | None = None
    token: str | None = None
    confirm_url: str | None = None


def preview_upload(render: Callable, current: Callable[[], dict], confirm_endpoint: str):
    """Check the uploaded file against `current()` (code -> values now) and render its preview with
    `render(form=..., preview=...)`; a clean file's checked rows are kept for the confirmation."""
    upload = request.files.get("file")
    preview = Preview(filename=(upload.filename if upload else "") or "")
    try:
        if upload is None or not upload.filename:
            raise importer.FileRefused(_("Choose a file to upload."))
        table = importer.read_table(upload.filename, upload.stream.read(MAX_UPLOAD_BYTES + 1))
    except importer.FileRefused as refused:
        preview.refused = refused.message
        return render(form=UploadForm(formdata=None), preview=preview), 422
    values = current()
    rows, preview.errors = importer.check_rows(table, values)
    if preview.errors:
        return render(form=UploadForm(formdata=None), preview=preview), 422
    _offer_confirmation(preview, importer.plan(rows, values), rows, confirm_endpoint)
    return render(form=UploadForm(formdata=None), preview=preview)


def show_pending(token: str, current: Callable[[], dict], render: Callable, confirm_endpoint: str):
    """A kept upload's preview again (GET, `?page=`): a large file's tables are read page by page, the button
    staying at the top. Nothing is kept again; the confirmation still checks the catalogue did not change."""
    upload = pending.find(token, current_user.id)
    if upload is None:
        flash(_("This upload has expired or is not yours. Upload the file again."), "error")
        return render(form=UploadForm(formdata=None)), 410
    preview = Preview(filename=upload.filename, plan=importer.plan(upload.rows, current()), token=token,
                      confirm_url=url_for(confirm_endpoint, token=token))
    return render(form=UploadForm(formdata=None), preview=preview)


def confirm_upload(token: str, current: Callable[[], dict], render: Callable, confirm_endpoint: str,
                   done: Callable[[dict], Response], before_apply: Callable[[], None] | None = None):
    """Apply a previewed upload in one transaction, then answer `done(counts)`. A token that finds nothing
    (expired, another tenant's or person's) shows the upload page again; if the catalogue changed since the
    preview, a fresh preview is shown instead (nothing is applied that was not shown)."""
    upload = pending.find(token, current_user.id)
    if upload is None:
        flash(_("This upload has expired or is not yours. Upload the file again."), "error")
        return render(form=UploadForm(formdata=None)), 410
    if before_apply is not None:
        before_apply()
    values = current()
    plan = importer.plan(upload.rows, values)
    if plan.digest != upload.digest:
        db.session.rollback()
        pending.discard(token)
        preview = Preview(filename=upload.filename)
        _offer_confirmation(preview, plan, upload.rows, confirm_endpoint)
        flash(_("The catalogue changed since the preview. Check the changes again before importing."), "error")
        return render(form=UploadForm(formdata=None), preview=preview), 409
    counts = service.apply_import(plan, upload.filename, actor=current_user)
    db.session.commit()
    pending.discard(token)
    flash(_("Imported: %(created)s new and %(updated)s changed procedures.", **counts), "success")
    return done(counts)


def _offer_confirmation(preview: Preview, plan: importer.Plan, rows: list, confirm_endpoint: str) -> None:
    """Show `plan`; when it changes anything, keep its rows server-side and point the confirmation at them."""
    preview.plan = plan
    if plan.new or plan.changed:
        preview.token = pending.keep(rows, plan.digest, preview.filename, current_user.id)
        preview.confirm_url = url_for(confirm_endpoint, token=preview.token)


def import_context() -> dict:
    """What the upload form and the preview (catalogue/_upload.html, _preview.html) need besides the form."""
    return {"COLUMNS": COLUMNS, "LABELS": LABELS, "CHOICES": CHOICES, "max_rows": MAX_UPLOAD_ROWS,
            "max_megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}


def _console_page() -> Callable:
    def render(**context):
        return render_template("catalogue/import.html", **import_context(),
                               export_url=url_for(".export", file_format="csv"), **context)
    return render


def _procedure_or_404(code: str):
    """Another tenant's code finds nothing here: the session scopes the read to the tenant in the URL."""
    procedure = service.get_procedure(code)
    if procedure is None:
        abort(404)
    return procedure
