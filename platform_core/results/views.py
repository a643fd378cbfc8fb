"""The citizen's download page, opened from the Zalo message's link (`/<province>/ket-qua/<token>`), and the
console's page of results (`/<province>/admin/results/`): which were sent, how, seen, downloaded, and the hosts
results may be fetched from.

The download page asks for the last digits of the applicant's phone; wrong answers are limited per link and per
address (RESULT_DIGITS_RATE_LIMIT), refused and downloaded attempts are both audited. A link that is not ours or is
another province's answers 404, an expired one or a removed file 410. Works without JavaScript.
"""

from flask import current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user

from platform_core.auth.constants import ROLE_ADMIN
from platform_core.auth.permissions import admin_required, officer_required
from platform_core.errors import FieldError
from platform_core.extensions import db, limiter
from platform_core.results import service
from platform_core.results.constants import DIGITS, LINK_HOURS, MAX_MB, REMOVED_LABELS
from platform_core.results.forms import DigitsForm, SourcesForm, ZnsTemplateForm
from platform_core.settings.service import province_settings, save_setting
from platform_core.tenancy.resolution import tenant_blueprint

results_public_bp = tenant_blueprint("results_public", __name__, url_prefix="/ket-qua")
results_admin_bp = tenant_blueprint("results_admin", __name__, url_prefix="/admin/results")
REFUSAL_STATUS = {service.INVALID: 404, service.EXPIRED: 410, service.REMOVED: 410}


def _digits_limit() -> str:
    return current_app.config["RESULT_DIGITS_RATE_LIMIT"]


def _link_key() -> str:
    return f"result-digits:{g.tenant.id}:{request.view_args.get('token', '')}"


def _address_key() -> str:
    return f"result-digits:{g.tenant.id}:{get_remote_address()}"


def _wrong_digits(response) -> bool:
    return getattr(response, "digits_rejected", False)


def _limit_wrong_digits(view):
    for key_func in (_link_key, _address_key):
        view = limiter.limit(_digits_limit, key_func=key_func, methods=["POST"], deduct_when=_wrong_digits)(view)
    return view


@results_public_bp.route("/<token>", methods=["GET", "POST"])
@_limit_wrong_digits
def download(token: str):
    try:
        result = service.check_link(token)
    except service.LinkRefused as refused:
        return render_template("results/refused.html", reason=refused.reason), REFUSAL_STATUS[refused.reason]
    form = DigitsForm()
    page = {"form": form, "dossier": service.dossier_of(result), "result": result, "tenant": g.tenant,
            "digits": DIGITS, "hours": LINK_HOURS}
    if not form.validate_on_submit():
        return render_template("results/download.html", **page), 422 if form.errors else 200
    if not service.digits_match(result, form.digits.data):
        service.refuse_download(result)
        db.session.commit()
        form.digits.errors = [_("These are not the last %(count)d digits of the phone number given in the "
                                "dossier.", count=DIGITS)]
        response = make_response(render_template("results/download.html", **page), 403)
        response.digits_rejected = True
        return response
    content = service.download(result)
    db.session.commit()
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{result.file_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@results_public_bp.errorhandler(RateLimitExceeded)
def _too_many(error):
    return render_template("results/refused.html", reason="too_many"), 429


# --- the console --------------------------------------------------------------------------------------------


@results_admin_bp.get("/")
@officer_required
def index():
    form = SourcesForm(hosts="\n".join(province_settings().result_hosts))
    return _index_page(form)


def _zns_form() -> ZnsTemplateForm:
    """The form for the `result_zns` province setting as saved."""
    return ZnsTemplateForm(formdata=None, data=province_settings().result_zns or {})


@results_admin_bp.post("/zns")
@admin_required
def zns():
    form = ZnsTemplateForm()
    if form.validate_on_submit():
        try:
            save_setting("result_zns", form.data, actor=current_user)
        except FieldError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [str(error.message)]
        else:
            db.session.commit()
            flash(_("The ZNS template for results was saved."), "success")
            return redirect(url_for(".index"))
    return _index_page(SourcesForm(hosts="\n".join(province_settings().result_hosts)), zns_form=form), 422


@results_admin_bp.post("/sources")
@admin_required
def sources():
    form = SourcesForm()
    if form.validate_on_submit():
        try:
            save_setting("result_hosts", form.host_list(), actor=current_user)
        except FieldError as error:
            db.session.rollback()
            form.hosts.errors = [str(error.message)]
        else:
            db.session.commit()
            flash(_("The result sources were saved."), "success")
            return redirect(url_for(".index"))
    return _index_page(form), 422


def _index_page(form: SourcesForm, zns_form: ZnsTemplateForm | None = None):
    can_edit = current_user.has_tenant_role(g.tenant.id, ROLE_ADMIN)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return render_template("results/admin.html", form=form, zns_form=zns_form or _zns_form(),
                           results=service.recent(), can_edit=can_edit, removed_labels=REMOVED_LABELS,
                           max_mb=MAX_MB, button_url=f"{base}/<link>")
