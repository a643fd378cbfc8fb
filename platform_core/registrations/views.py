"""The citizen's form, opened from the bot's link (`/<province>/dang-ky/<token>`), and the console's page
(`/<province>/admin/registrations/`): which procedures take registrations on Zalo and what their forms ask, and
the latest registrations. A link that is not ours or is another province's answers 404; an expired or used one,
or one whose procedure was closed since, 410. Works without JavaScript."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.constants import ROLE_ADMIN
from platform_core.auth.permissions import admin_required, officer_required
from platform_core.catalogue.service import list_procedures
from platform_core.extensions import db
from platform_core.registrations import service
from platform_core.registrations.constants import FIELD_LABELS, FIELDS, STATUS_LABELS
from platform_core.registrations.forms import RegistrationForm, SettingsForm
from platform_core.tenancy.resolution import tenant_blueprint

registrations_public_bp = tenant_blueprint("registrations_public", __name__, url_prefix="/dang-ky")
registrations_admin_bp = tenant_blueprint("registrations_admin", __name__, url_prefix="/admin/registrations")
REFUSAL_STATUS = {service.INVALID: 404, service.EXPIRED: 410, service.USED: 410, service.CLOSED: 410}


@registrations_public_bp.route("/<token>", methods=["GET", "POST"])
def form(token: str):
    try:
        link, procedure, fields = service.open_link(g.tenant.id, token)
    except service.LinkRefused as refused:
        return render_template("registrations/refused.html", reason=refused.reason), REFUSAL_STATUS[refused.reason]
    if request.method == "GET":
        page_form = RegistrationForm.asking(fields, **service.prefill(link.zalo_user_id))
    else:
        page_form = RegistrationForm.asking(fields)
    if not page_form.validate_on_submit():
        return render_template("registrations/form.html", form=page_form, procedure=procedure, tenant=g.tenant), \
            422 if page_form.errors else 200
    registration = service.submit(token, page_form.answers(), g.tenant.id)
    db.session.commit()
    return render_template("registrations/received.html", registration=registration, tenant=g.tenant)


# --- the console --------------------------------------------------------------------------------------------


@registrations_admin_bp.get("/")
@officer_required
def index():
    return _index_page(SettingsForm())


@registrations_admin_bp.post("/")
@admin_required
def save():
    form = SettingsForm()
    if not form.validate_on_submit():
        return _index_page(form), 400
    procedures = {procedure.code for procedure in list_procedures(enabled=True)}
    wanted = {code: request.form.getlist(f"fields-{code}") for code in request.form.getlist("open")
              if code in procedures}
    service.save_settings(wanted, actor=current_user)
    db.session.commit()
    flash(_("The procedures open to registration on Zalo were saved."), "success")
    return redirect(url_for(".index"))


def _index_page(form: SettingsForm):
    return render_template(
        "registrations/admin.html", form=form, procedures=list_procedures(enabled=True), chosen=service.settings(),
        field_labels=FIELD_LABELS, fields=FIELDS, registrations=service.registrations(limit=50, newest_first=True),
        status_labels=STATUS_LABELS, can_edit=current_user.has_tenant_role(g.tenant.id, ROLE_ADMIN))
