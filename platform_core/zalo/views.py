"""Zalo-facing routes: the webhook, the OAuth callback, and the province admin's connection page."""

import logging

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.db.types import utcnow
from platform_core.extensions import csrf, db
from platform_core.tenancy.constants import SERVED_STATUSES
from platform_core.tenancy.resolution import enter_tenant, tenant_blueprint
from platform_core.tenancy.service import find_by_slug
from platform_core.zalo import oauth_flow, webhooks
from platform_core.zalo.connection import get_connection, get_or_create_connection, masked_view, save_credentials
from platform_core.zalo.constants import CONNECTION_STATUSES
from platform_core.zalo.forms import ZaloCredentialsForm
from platform_core.zalo.jobs import process_event

log = logging.getLogger(__name__)

zalo_public_bp = Blueprint("zalo", __name__, url_prefix="/zalo")
csrf.exempt(zalo_public_bp)  # Zalo authenticates with its signature; the OAuth callback with a signed state
zalo_admin_bp = tenant_blueprint("zalo_admin", __name__, url_prefix="/admin/zalo")


@zalo_public_bp.post("/webhook/<tenant_slug>")
def webhook(tenant_slug: str):
    """Answer within milliseconds: verify, store the raw event, hand it to a job (Zalo wants 200 in < 2 s)."""
    tenant = find_by_slug(tenant_slug)
    if tenant is None or tenant.status not in SERVED_STATUSES:
        return {"errors": {"tenant": ["unknown province"]}}, 404
    enter_tenant(tenant)
    connection = get_connection()
    if connection is None:
        return {"errors": {"tenant": ["this province has not connected a Zalo OA"]}}, 404
    raw_body = request.get_data(cache=False)
    try:
        body = webhooks.verify(connection, raw_body, request.headers.get(webhooks.SIGNATURE_HEADER), utcnow(),
                               current_app.config["ZALO_WEBHOOK_MAX_AGE_SECONDS"])
    except webhooks.WebhookRejected as rejected:
        log.info("zalo webhook rejected: %s", rejected, extra={"tenant_id": str(tenant.id)})
        return {"errors": {"signature": [str(rejected)]}}, 401
    event = webhooks.store_event(raw_body, body, from_zns=request.headers.get(webhooks.ZNS_SERVER_HEADER) == "ZNS")
    db.session.commit()
    if event is not None:
        _hand_to_worker(event)
    return {"received": True, "duplicate": event is None}


def _hand_to_worker(event) -> None:
    """Best effort: if Redis is down the event stays `received` and the requeue sweep picks it up."""
    try:
        process_event.enqueue(str(event.id))
    except Exception:  # noqa: BLE001 - the event is safe in the database; never fail Zalo's request
        log.warning("could not enqueue zalo event; the sweep will", extra={"event_id": str(event.id)})


@zalo_public_bp.get("/oauth/callback")
def oauth_callback():
    outcome = oauth_flow.complete(request.args, actor=current_user)
    enter_tenant(outcome.tenant)
    if outcome.error:
        flash(outcome.error, "error")
    else:
        flash(_("Zalo OA “%(name)s” connected.", name=outcome.oa_name), "success")
    return redirect(url_for("zalo_admin.connection_page"))


@zalo_admin_bp.route("/", methods=["GET", "POST"])
@admin_required
def connection_page():
    connection = get_connection()
    form = ZaloCredentialsForm(obj=_FormView(masked_view(connection)))
    if form.validate_on_submit():
        connection = get_or_create_connection()
        save_credentials(connection, actor=current_user, **form.credentials())
        db.session.commit()
        flash(_("Zalo credentials saved."), "success")
        return redirect(url_for(".connection_page"))
    webhook_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for(
        "zalo.webhook", tenant_slug=g.tenant.slug
    )
    return render_template("zalo/connection.html", connection=masked_view(connection), form=form,
                           webhook_url=webhook_url, connection_statuses=CONNECTION_STATUSES)


@zalo_admin_bp.post("/connect")
@admin_required
def start_oauth():
    connection = get_connection()
    if connection is None or not connection.app_id or not connection.app_secret:
        flash(_("Enter the app id and app secret first."), "error")
        return redirect(url_for(".connection_page"))
    return redirect(oauth_flow.start(connection))


class _FormView:
    """Lets WTForms prefill from the masked view (secrets shown masked, never in clear)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)
