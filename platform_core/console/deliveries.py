"""Province console: deliveries. Officers search them and read why one failed; administrators retry it."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import Form, SearchField, SelectField
from wtforms.validators import Length, Optional

from platform_core.auth.constants import ROLE_ADMIN
from platform_core.auth.permissions import admin_required, officer_required
from platform_core.console import delivery_search
from platform_core.console.message_kinds import message_kind_label
from platform_core.delivery.constants import CHANNEL_LABELS, STATE_LABELS
from platform_core.delivery.errors_plain import explain
from platform_core.delivery.policy import zalo_pacing
from platform_core.extensions import db
from platform_core.tenancy.resolution import tenant_blueprint
from platform_core.web.dates import VnDateField
from platform_core.web.forms import options
from platform_core.web.paging import page_number
from platform_core.zalo.phone import mask

deliveries_admin_bp = tenant_blueprint("deliveries_admin", __name__, url_prefix="/admin/deliveries")


class DeliveryFilterForm(Form):
    """The search above the list (GET: nothing changes, so no CSRF token)."""

    q = SearchField(_l("Dossier code or phone number"), validators=[Optional(), Length(max=80)])
    state = SelectField(_l("State"), choices=options(STATE_LABELS, blank=_l("Any state")), validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=options(CHANNEL_LABELS, blank=_l("Any channel")),
                          validators=[Optional()])
    date_from = VnDateField(_l("From (date created)"), validators=[Optional()])
    date_to = VnDateField(_l("To (date created)"), validators=[Optional()])

    def filters(self) -> delivery_search.Filters:
        return delivery_search.Filters(query=(self.q.data or "").strip() or None, state=self.state.data or None,
                               channel=self.channel.data or None, date_from=self.date_from.data,
                               date_to=self.date_to.data)


def table_context() -> dict:
    """What templates/delivery/deliveries_table.html needs: here and on a dossier's page."""
    return {"delivery_states": STATE_LABELS, "delivery_channels": CHANNEL_LABELS, "explain_delivery": explain,
            "masked_phone": lambda phone: mask(phone) if phone else "", "message_kind_label": message_kind_label,
            "may_retry": current_user.has_tenant_role(g.tenant.id, ROLE_ADMIN)}


@deliveries_admin_bp.get("/")
@officer_required
def index():
    form = DeliveryFilterForm(request.args)
    page = delivery_search.search(form.filters(), page_number(request.args.get("page"))) if form.validate() else None
    return render_template("delivery/deliveries.html", form=form, page=page, zalo_pacing=zalo_pacing(),
                           **table_context())


@deliveries_admin_bp.post("/<uuid:delivery_id>/retry")
@admin_required
def retry(delivery_id):
    delivery = delivery_search.get_delivery(delivery_id)
    if delivery is None:
        abort(404)
    if delivery_search.retry(delivery, actor=current_user):
        db.session.commit()
        flash(_("The message is back in the queue and will be sent again shortly."), "success")
    else:
        flash(_("Only a failed message can be retried."), "error")
    return redirect(_back_to_console(request.form.get("next")))


def _back_to_console(target: str | None) -> str:
    """Back to the page the retry came from (the list with its filters, or a dossier), never off the console."""
    prefix = f"/{g.tenant.slug}/admin/"
    if target and target.startswith(prefix) and "//" not in target and "\\" not in target:
        return target
    return url_for(".index")
