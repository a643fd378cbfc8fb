"""Province console: citizens' data. Data-subject requests and their legal clock, a citizen's consents,
export (a JSON download) and erasure, retention periods. Administrators only."""

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.citizens import consent, records, requests
from platform_core.citizens.clock import completion_days
from platform_core.citizens.constants import (
    METHOD_LABELS,
    PURPOSE_LABELS,
    REQUEST_KIND_LABELS,
    REQUEST_OPEN,
    REQUEST_STATUS_LABELS,
    REQUEST_STOP,
    RESPONSE_WORKING_DAYS,
    RETENTION_LABELS,
    STOPS_PROCESSING,
)
from platform_core.citizens.forms import (
    GRANT,
    CitizenForm,
    CompleteForm,
    ConsentForm,
    EraseForm,
    LookupForm,
    RequestForm,
    RetentionForm,
    StopForm,
    ThirdPartyForm,
)
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.settings.service import province_settings, save_setting
from platform_core.tenancy.resolution import tenant_blueprint
from platform_core.web.paging import page_number
from platform_core.zalo.phone import PhoneError, mask, to_e164

citizens_admin_bp = tenant_blueprint("citizens_admin", __name__, url_prefix="/admin/citizens")

LABELS = {"purpose_labels": PURPOSE_LABELS, "method_labels": METHOD_LABELS, "kind_labels": REQUEST_KIND_LABELS,
          "status_labels": REQUEST_STATUS_LABELS, "masked_phone": lambda phone: mask(phone) if phone else "—",
          "completion_days": completion_days, "stops_processing": STOPS_PROCESSING,
          "response_working_days": RESPONSE_WORKING_DAYS}


@citizens_admin_bp.get("/")
@admin_required
def index():
    page = requests.requests_page(page_number(request.args.get("page")))
    return render_template("citizens/index.html", page=page, lookup=LookupForm(), form=RequestForm(),
                           overdue=requests.overdue, now=utcnow(), **LABELS)


@citizens_admin_bp.post("/requests")
@admin_required
def new_request():
    form = RequestForm()
    if form.validate_on_submit():
        phone = _phone(form.phone)
        if not form.zalo_user_id.data and not phone and not form.phone.errors:
            form.zalo_user_id.errors = [_("Enter a Zalo user id or a mobile number.")]
        if not form.zalo_user_id.errors and not form.phone.errors:
            zalo_user_id = (form.zalo_user_id.data or "").strip() or None
            created = _record(form.kind.data, form.method.data, zalo_user_id, phone)
            db.session.commit()
            return redirect(url_for(".show_request", request_id=created.id) if created
                            else _citizen_url(zalo_user_id, phone))
    page = requests.requests_page(1)
    return render_template("citizens/index.html", page=page, lookup=LookupForm(), form=form,
                           overdue=requests.overdue, now=utcnow(), **LABELS), 422


def _record(kind, method, zalo_user_id, phone):
    if kind == REQUEST_STOP:
        stopped = requests.stop(method=method, zalo_user_id=zalo_user_id, phone=phone, actor=current_user)
        flash(_("Messages to this citizen are stopped.") if stopped else _("This citizen had already stopped."),
              "success")
        return stopped
    flash(_("Request recorded. Complete it within %(days)d days.", days=completion_days(kind)), "success")
    return requests.open_request(kind, method=method, zalo_user_id=zalo_user_id, phone=phone, actor=current_user)


@citizens_admin_bp.route("/requests/<request_id>", methods=["GET", "POST"])
@admin_required
def show_request(request_id):
    data_request = requests.get_request(request_id)
    if data_request is None:
        abort(404)
    form = CompleteForm()
    if data_request.status == REQUEST_OPEN and form.validate_on_submit():
        requests.complete(data_request, form.outcome.data.strip(), actor=current_user, refused=form.refused.data)
        db.session.commit()
        flash(_("Request completed."), "success")
        return redirect(url_for(".show_request", request_id=data_request.id))
    return render_template("citizens/request.html", item=data_request, form=form, overdue=requests.overdue(
        data_request), citizen_url=_citizen_url(data_request.zalo_user_id, data_request.phone_e164),
        third_party_form=ThirdPartyForm(formdata=None), **LABELS), 422 if form.errors else 200


@citizens_admin_bp.post("/requests/<request_id>/third-party")
@admin_required
def third_party(request_id):
    """A processor or third party must stop processing too: the request gets the longer deadline."""
    data_request = requests.get_request(request_id)
    if data_request is None:
        abort(404)
    if not ThirdPartyForm().validate_on_submit():
        abort(400)
    try:
        requests.involve_third_party(data_request, actor=current_user)
    except ValueError:
        flash(_("Only an open request to stop processing can get the longer deadline."), "error")
    else:
        db.session.commit()
        flash(_("Deadline moved: complete within %(days)d days of receipt.",
                days=completion_days(data_request.kind, third_party=True)), "success")
    return redirect(url_for(".show_request", request_id=data_request.id))


@citizens_admin_bp.get("/citizen")
@admin_required
def citizen():
    lookup = LookupForm(request.args)
    phone = _phone(lookup.phone) if lookup.validate() else None
    if lookup.errors or not (lookup.zalo_user_id.data or phone):
        if not lookup.errors:
            lookup.zalo_user_id.errors = [_("Enter a Zalo user id or a mobile number.")]
        page = requests.requests_page(1)
        return render_template("citizens/index.html", page=page, lookup=lookup, form=RequestForm(),
                               overdue=requests.overdue, now=utcnow(), **LABELS), 422
    who = _known((lookup.zalo_user_id.data or "").strip() or None, phone)
    return _citizen_page(who, ConsentForm(formdata=None), EraseForm(formdata=None))


@citizens_admin_bp.post("/citizen/consent")
@admin_required
def record_consent():
    form = ConsentForm()
    who = _known(form.zalo_user_id.data or None, form.phone.data or None)
    if form.validate_on_submit():
        change = consent.grant if form.action.data == GRANT else consent.withdraw
        try:
            change(form.purpose.data, method=form.method.data, zalo_user_id=form.zalo_user_id.data or None,
                   phone=form.phone.data or None,
                   evidence=f"{current_user.email}: {form.evidence.data.strip() or '-'}")
        except FieldError as error:
            form.purpose.errors = [str(error.message)]
        else:
            db.session.commit()
            flash(_("Consent recorded."), "success")
            return redirect(_citizen_url(form.zalo_user_id.data or None, form.phone.data or None))
    return _citizen_page(who, form, EraseForm(formdata=None), status=422)


@citizens_admin_bp.post("/citizen/stop")
@admin_required
def stop():
    form = StopForm()
    _known(form.zalo_user_id.data or None, form.phone.data or None)
    if not form.validate_on_submit():
        abort(400)
    _record(REQUEST_STOP, form.method.data, form.zalo_user_id.data or None, form.phone.data or None)
    db.session.commit()
    return redirect(_citizen_url(form.zalo_user_id.data or None, form.phone.data or None))


@citizens_admin_bp.post("/citizen/export")
@admin_required
def export():
    form = CitizenForm()
    who = _known(form.zalo_user_id.data or None, form.phone.data or None)
    if not form.validate_on_submit():
        abort(400)
    data = records.export(who, actor=current_user)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=citizen-data-{utcnow():%Y%m%d-%H%M}.json",
        "Cache-Control": "no-store"})


@citizens_admin_bp.post("/citizen/erase")
@admin_required
def erase():
    form = EraseForm()
    who = _known(form.zalo_user_id.data or None, form.phone.data or None)
    if not form.validate_on_submit():
        return _citizen_page(who, ConsentForm(formdata=None), form, status=422)
    counts = records.erase(who, actor=current_user)
    db.session.commit()
    flash(_("Contact and chat data erased (%(count)d records); dossiers are kept.", count=sum(counts.values())),
          "success")
    return redirect(url_for(".index"))


@citizens_admin_bp.route("/retention", methods=["GET", "POST"])
@admin_required
def retention_page():
    form = RetentionForm(data=province_settings().retention_days)
    if form.validate_on_submit():
        try:
            save_setting("retention_days", {kind: form[kind].data for kind in RETENTION_LABELS}, actor=current_user)
        except FieldError as error:
            form[error.field].errors = [str(error.message)]
        else:
            db.session.commit()
            flash(_("Retention periods saved."), "success")
            return redirect(url_for(".retention_page"))
    return render_template("citizens/retention.html", form=form, kinds=RETENTION_LABELS), 422 if form.errors else 200


# --- helpers --------------------------------------------------------------------------------------------------

def _phone(field) -> str | None:
    """The field's number in E.164, or None; an error on the field when it is not a Vietnamese mobile number."""
    raw = (field.data or "").strip()
    if not raw:
        return None
    try:
        return to_e164(raw)
    except PhoneError:
        field.errors = [*field.errors, _l("Enter a Vietnamese mobile number, like 0912 345 678.")]
        return None


def _known(zalo_user_id: str | None, phone: str | None) -> consent.Citizen:
    """The citizen, or 404 when this province holds nothing about them (another province's citizen too)."""
    who = consent.citizen(zalo_user_id, phone)
    if not who or not records.holds_anything(who):
        abort(404)
    return who


def _citizen_url(zalo_user_id: str | None, phone: str | None) -> str:
    return url_for(".citizen", **{key: value for key, value in (("zalo_user_id", zalo_user_id), ("phone", phone))
                                  if value})


def _citizen_page(who: consent.Citizen, consent_form: ConsentForm, erase_form: EraseForm, status: int = 200):
    zalo_user_id, phone = min(who.user_ids, default=None), min(who.phones, default=None)
    for form in (consent_form, erase_form):
        form.zalo_user_id.data, form.phone.data = zalo_user_id, phone
    stop_form = StopForm(formdata=None, data={"zalo_user_id": zalo_user_id, "phone": phone})
    return render_template(
        "citizens/citizen.html", who=who, states=consent.current(zalo_user_id, phone),
        history=consent.history(zalo_user_id, phone), withdrawn=consent.withdrawn(zalo_user_id, phone),
        requests_of=requests.for_citizen(who), summary=records.summary(who), consent_form=consent_form,
        erase_form=erase_form, stop_form=stop_form, action_form=CitizenForm(formdata=None, data={
            "zalo_user_id": zalo_user_id, "phone": phone}), overdue=requests.overdue, **LABELS), status
