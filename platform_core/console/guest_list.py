"""Province console: the trial guest list (who a province not yet live may message besides its team)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from platform_core.auth.permissions import admin_required
from platform_core.delivery import guest_list
from platform_core.delivery.trial import is_restricted
from platform_core.extensions import db
from platform_core.tenancy.resolution import tenant_blueprint

guest_list_bp = tenant_blueprint("guest_list", __name__, url_prefix="/admin/guest-list")


class GuestForm(FlaskForm):
    label = StringField(_l("Name"), validators=[Length(max=guest_list.MAX_LABEL)])
    zalo_user_id = StringField(_l("Zalo user id"), validators=[Optional(), Length(max=40)],
                               render_kw={"inputmode": "numeric", "spellcheck": "false"})
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=20)],
                        render_kw={"type": "tel", "autocomplete": "off"})


@guest_list_bp.route("/", methods=["GET", "POST"])
@admin_required
def index():
    form = GuestForm()
    if form.validate_on_submit():
        try:
            guest_list.add(form.label.data, form.zalo_user_id.data, form.phone.data, actor=current_user)
        except guest_list.GuestListError as error:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            db.session.commit()
            flash(_("Added to the guest list."), "success")
            return redirect(url_for(".index"))
    return render_template("delivery/guest_list.html", form=form, entries=guest_list.entries(),
                           restricted=is_restricted())


@guest_list_bp.post("/<entry_id>/remove")
@admin_required
def remove(entry_id: str):
    if guest_list.remove(entry_id, actor=current_user) is None:
        abort(404)
    db.session.commit()
    flash(_("Removed from the guest list."), "success")
    return redirect(url_for(".index"))
