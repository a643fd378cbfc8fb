"""Province console: officials (profiles, Zalo link, notices) and a form to send a notice. Administrators only;
another province's member or notice is 404."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.officials import profiles, service
from platform_core.officials.constants import KIND_LABELS, POSITIONS, SECRECY_LABELS, STATUS_LABELS, URGENCY_LABELS
from platform_core.officials.forms import NoticeForm, ProfileForm
from platform_core.tenancy.resolution import tenant_blueprint
from platform_core.web.paging import page_number

officials_admin_bp = tenant_blueprint("officials_admin", __name__, url_prefix="/admin/officials")
LABELS = {"kinds": KIND_LABELS, "urgencies": URGENCY_LABELS, "secrecies": SECRECY_LABELS,
          "statuses": STATUS_LABELS, "positions": POSITIONS}


@officials_admin_bp.get("/")
@admin_required
def index():
    return render_template("officials/index.html", officials=profiles.overview(), names=profiles.names(),
                           page=profiles.notices_page(page_number(request.args.get("page"))), **LABELS)


@officials_admin_bp.route("/<uuid:user_id>", methods=["GET", "POST"])
@admin_required
def official(user_id):
    row = profiles.official(user_id)
    if row is None:
        abort(404)
    form = ProfileForm(obj=row.profile)
    if form.validate_on_submit():
        try:
            profiles.save_profile(row.user, {name: getattr(form, name).data for name in profiles.PROFILE_FIELDS},
                                  actor=current_user)
        except FieldError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The profile of %(name)s was saved.", name=row.user.full_name), "success")
            return redirect(url_for(".official", user_id=user_id))
    return render_template("officials/official.html", row=row, form=form,
                           page=profiles.notices_page(page_number(request.args.get("page")), user_id), **LABELS)


@officials_admin_bp.route("/notices/new", methods=["GET", "POST"])
@admin_required
def new_notice():
    form = NoticeForm()
    form.recipients.choices = [(row.user.email, _recipient_label(row)) for row in profiles.overview()
                               if row.profile is None or row.profile.active]
    if form.validate_on_submit():
        try:
            notices, _created = service.create_notices(form.notice_data(), actor=current_user)
        except FieldError as error:  # a recipient made inactive or removed meanwhile
            db.session.rollback()
            form.recipients.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The notice was created for %(count)s official(s).", count=len(notices)), "success")
            return redirect(url_for(".index"))
    return render_template("officials/new_notice.html", form=form)


def _recipient_label(row: profiles.OfficialRow) -> str:
    linked = _("Zalo linked") if row.zalo else _("Zalo not linked")
    return f"{row.user.full_name} ({row.user.email}, {linked})"
