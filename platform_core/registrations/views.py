"""The citizen's form, opened from the bot's link (`/<province>/dang-ky/<token>`), with its choice of an
appointment, and the console's pages (`/<province>/admin/registrations/`): which procedures take registrations on
Zalo and what their forms ask, the latest registrations and one registration's answers (an audited read), the
appointment slots, the webhook. A link that is not ours or is another province's answers 404; an expired or used
one, or one whose procedure was closed since, 410; an appointment taken meanwhile, 409 with the form again.
Works without JavaScript."""

from itertools import groupby

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from platform_core.audit.service import record_event
from platform_core.auth.constants import ROLE_ADMIN
from platform_core.auth.permissions import admin_required, officer_required
from platform_core.catalogue.service import list_procedures
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.registrations import appointments, service, webhook
from platform_core.registrations.constants import (
    APPOINTMENT_MODES,
    APPOINTMENT_NONE,
    DEFAULT_APPOINTMENT,
    FIELD_LABELS,
    FIELDS,
    STATUS_LABELS,
    WEBHOOK_FAILED,
    WEBHOOK_STATUS_LABELS,
)
from platform_core.registrations.forms import RegistrationForm, SettingsForm, SlotsForm, WebhookForm
from platform_core.tenancy.resolution import tenant_blueprint

registrations_public_bp = tenant_blueprint("registrations_public", __name__, url_prefix="/dang-ky")
registrations_admin_bp = tenant_blueprint("registrations_admin", __name__, url_prefix="/admin/registrations")
REFUSAL_STATUS = {service.INVALID: 404, service.EXPIRED: 410, service.USED: 410, service.CLOSED: 410}


@registrations_public_bp.route("/<token>", methods=["GET", "POST"])
def form(token: str):
    try:
        link, procedure, fields = service.open_link(g.tenant.id, token)
    except service.LinkRefused as refused:
        return _refused(refused.reason)
    now, mode = utcnow(), service.appointment_mode(procedure.code)
    prefilled = service.prefill(link.zalo_user_id) if request.method == "GET" else {}
    page_form = RegistrationForm.asking(fields, slot_choices(procedure.code, now, mode), mode, **prefilled)
    if not page_form.validate_on_submit():
        return _form_page(page_form, procedure, now, mode, 422 if page_form.errors else 200)
    chosen = page_form.appointment.data if "appointment" in page_form else None
    try:
        registration = service.submit(token, page_form.answers(), g.tenant.id,
                                      slot_id=appointments.slot_uuid(chosen) if chosen else None)
        db.session.commit()
    except appointments.SlotFull:
        db.session.rollback()
        again = RegistrationForm.asking(fields, slot_choices(procedure.code, now, mode), mode)
        if "appointment" in again:
            again.appointment.errors = [_("This time was just taken by someone else: please choose another.")]
        return _form_page(again, procedure, now, mode, 409)
    except IntegrityError:  # the same link sent twice at once: the other one was stored
        db.session.rollback()
        return _refused(service.USED)
    return render_template("registrations/received.html", registration=registration, tenant=g.tenant,
                           appointment=registration.slot and appointments.label(registration.slot),
                           address=service.centre_address())


def slot_choices(procedure_code: str, now, mode: str) -> dict[str, list[SelectChoice]]:
    """The free slots as the form's choices, grouped by day: {"Thứ Hai 28/12/2026": [(id, "08:00–09:00 · còn
    3 chỗ")]}; none for a procedure that takes no appointment."""
    choices = {}
    if mode == APPOINTMENT_NONE:
        return choices
    for day, slots in groupby(appointments.free_slots(procedure_code, now), key=lambda slot: slot.day):
        slots = list(slots)
        choices[appointments.day_label(day)] = [
            SelectChoice(str(slot.id), _("%(start)s–%(end)s · %(free)s places left", start=slot.starts_at.strftime(
                "%H:%M"), end=slot.ends_at.strftime("%H:%M"), free=slot.free)) for slot in slots]
    return choices


def _form_page(page_form: RegistrationForm, procedure, now, mode: str, status: int):
    all_taken = (mode != APPOINTMENT_NONE and "appointment" not in page_form
                 and appointments.has_slots(procedure.code, now))
    return render_template("registrations/form.html", form=page_form, procedure=procedure, tenant=g.tenant,
                           all_taken=all_taken), status


def _refused(reason: str):
    return render_template("registrations/refused.html", reason=reason), REFUSAL_STATUS[reason]


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
    modes = {code: request.form[f"appointment-{code}"] for code in wanted if f"appointment-{code}" in request.form}
    if any(mode not in APPOINTMENT_MODES for mode in modes.values()):
        flash(_("Choose whether each procedure asks for an appointment among the choices offered."), "error")
        return _index_page(form), 400
    service.save_settings(wanted, actor=current_user, appointment=modes)
    db.session.commit()
    flash(_("The procedures open to registration on Zalo were saved."), "success")
    return redirect(url_for(".index"))


def _index_page(form: SettingsForm):
    return render_template(
        "registrations/admin.html", form=form, procedures=list_procedures(enabled=True), chosen=service.settings(),
        field_labels=FIELD_LABELS, fields=FIELDS, modes=service.appointment_modes(), mode_labels=APPOINTMENT_MODES,
        default_mode=DEFAULT_APPOINTMENT, registrations=service.registrations(limit=50, newest_first=True),
        status_labels=STATUS_LABELS, can_edit=_can_edit(), failed=webhook.deliveries(limit=1, failed_only=True))


def _can_edit() -> bool:
    return current_user.has_tenant_role(g.tenant.id, ROLE_ADMIN)


@registrations_admin_bp.get("/<registration_id>")
@officer_required
def show(registration_id: str):
    """One registration with the citizen's answers, decrypted: each read is in the audit log."""
    registration = service.get(registration_id) or abort(404)
    record_event("registration_answers_viewed", actor=current_user, target=registration,
                 details={"reference": registration.reference})
    db.session.commit()
    response = make_response(render_template(
        "registrations/show.html", registration=registration, answers=registration.answers,
        field_labels=FIELD_LABELS, status_labels=STATUS_LABELS, form=SettingsForm(),
        appointment=registration.slot and appointments.label(registration.slot)))
    response.headers["Cache-Control"] = "no-store"  # personal data: not kept by the browser
    return response


@registrations_admin_bp.post("/<registration_id>/cancel-appointment")
@officer_required
def cancel_appointment(registration_id: str):
    registration = service.get(registration_id) or abort(404)
    if not SettingsForm().validate_on_submit():
        abort(400)
    if service.cancel_appointment(registration, actor=current_user) is None:
        flash(_("This registration has no appointment to cancel."), "error")
    else:
        db.session.commit()
        flash(_("The appointment was cancelled; its place is free again and the citizen was told on Zalo."),
              "success")
    return redirect(url_for(".show", registration_id=registration_id))


# --- appointment slots --------------------------------------------------------------------------------------


@registrations_admin_bp.get("/slots")
@officer_required
def slots():
    return _slots_page(_slots_form())


@registrations_admin_bp.post("/slots")
@admin_required
def make_slots():
    form = _slots_form()
    if not form.validate_on_submit():
        return _slots_page(form, 422)
    try:
        planned = appointments.planned_starts(form.first_day.data, form.last_day.data or form.first_day.data,
                                              form.starts_at.data, form.ends_at.data, form.minutes.data,
                                              g.tenant.slug)
    except appointments.SlotsRefused as refused:
        form[refused.field].errors = [refused.message]
        return _slots_page(form, 422)
    made = appointments.make_slots(form.procedure_code.data or None, planned, form.capacity.data,
                                   actor=current_user)
    db.session.commit()
    flash(_("%(count)s appointment slots were made.", count=made), "success")
    return redirect(url_for(".slots"))


@registrations_admin_bp.post("/slots/<slot_id>/delete")
@admin_required
def delete_slot(slot_id: str):
    slot = appointments.get_slot(slot_id) or abort(404)
    if not SettingsForm().validate_on_submit():
        abort(400)
    if appointments.delete_slot(slot, actor=current_user):
        db.session.commit()
        flash(_("The slot was removed."), "success")
    else:
        flash(_("This slot has appointments: cancel them first."), "error")
    return redirect(url_for(".slots"))


def _slots_form() -> SlotsForm:
    form = SlotsForm()
    offered = [SelectChoice(procedure.code, f"{procedure.name} ({procedure.code})")
               for procedure, _fields in service.offered()]
    form.procedure_code.choices = [SelectChoice("", _("Any procedure open to registration")), *offered]
    return form


def _slots_page(form: SlotsForm, status: int = 200):
    names = {procedure.code: procedure.name for procedure, _fields in service.offered()}
    return render_template("registrations/slots.html", form=form, slots=appointments.upcoming(utcnow()),
                           names=names, can_edit=_can_edit(), delete_form=SettingsForm(),
                           label=appointments.label), status


# --- the webhook --------------------------------------------------------------------------------------------


@registrations_admin_bp.get("/webhook")
@officer_required
def webhook_page():
    hook = webhook.current()
    return _webhook_page(WebhookForm(data={"url": hook.url} if hook else None))


@registrations_admin_bp.post("/webhook")
@admin_required
def save_webhook():
    form = WebhookForm()
    if not form.validate_on_submit():
        return _webhook_page(form, status=422)
    try:
        secret = webhook.configure(form.url.data, actor=current_user)
    except webhook.UrlRefused as refused:
        form.url.errors = [refused.message]
        return _webhook_page(form, status=422)
    db.session.commit()
    if secret:
        return _webhook_page(form, secret=secret)
    flash(_("The webhook address was saved."), "success")
    return redirect(url_for(".webhook_page"))


@registrations_admin_bp.post("/webhook/secret")
@admin_required
def rotate_webhook_secret():
    if not SettingsForm().validate_on_submit():
        abort(400)
    secret = webhook.rotate_secret(actor=current_user) or abort(404)
    db.session.commit()
    return _webhook_page(WebhookForm(data={"url": webhook.current().url}), secret=secret)


@registrations_admin_bp.post("/webhook/remove")
@admin_required
def remove_webhook():
    if not SettingsForm().validate_on_submit():
        abort(400)
    if webhook.remove(actor=current_user):
        db.session.commit()
        flash(_("The webhook was removed: registrations are no longer sent."), "success")
    return redirect(url_for(".webhook_page"))


def _webhook_page(form: WebhookForm, secret: str | None = None, status: int = 200):
    """`secret` is shown on this answer only (never stored in the session, never sent again)."""
    response = make_response(render_template(
        "registrations/webhook.html", form=form, hook=webhook.current(), secret=secret, can_edit=_can_edit(),
        deliveries=webhook.deliveries(limit=30), failed=WEBHOOK_FAILED, status_labels=WEBHOOK_STATUS_LABELS,
        button_form=SettingsForm()), status)
    response.headers["Cache-Control"] = "no-store"
    return response
