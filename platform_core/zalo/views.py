"""Zalo-facing routes: the webhook, the OAuth callback, the domain-verification files Zalo fetches, the province
admin's connection page, the import of the OA's existing followers (zalo/follower_import.py), and a team
member's page for linking their own Zalo account (zalo/staff_link.py)."""

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required, officer_required
from platform_core.db.sqlite import begin_read_only, write_promptly
from platform_core.db.types import utcnow
from platform_core.extensions import csrf, db
from platform_core.tenancy.constants import SERVED_STATUSES
from platform_core.tenancy.resolution import enter_tenant, tenant_blueprint
from platform_core.tenancy.service import find_by_slug
from platform_core.zalo import (
    follower_import,
    follower_import_view,
    oauth_flow,
    service,
    site_verification,
    staff_link,
    webhooks,
)
from platform_core.zalo.connection import (
    get_connection,
    get_or_create_connection,
    masked_view,
    save_credentials,
    webhook_keys,
)
from platform_core.zalo.constants import CONNECTION_STATUSES, STATUS_CONNECTED, STATUS_NOT_CONNECTED
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.forms import ZaloCredentialsForm
from platform_core.zalo.jobs import start_follower_import
from platform_core.zalo.tokens import ZaloNotConnected

log = logging.getLogger(__name__)

zalo_public_bp = Blueprint("zalo", __name__, url_prefix="/zalo")
csrf.exempt(zalo_public_bp)  # Zalo authenticates with its signature; the OAuth callback with a signed state
zalo_admin_bp = tenant_blueprint("zalo_admin", __name__, url_prefix="/admin/zalo")
zalo_site_bp = Blueprint("zalo_site", __name__)  # the domain's root, where Zalo looks for verification files
# What a province uploaded is served as it is, but can run nothing and embed nothing on the platform's domain.
VERIFICATION_FILE_HEADERS = {"Content-Security-Policy": "default-src 'none'; sandbox", "Cache-Control": "no-cache"}


@zalo_public_bp.post("/webhook/<tenant_slug>")
def webhook(tenant_slug: str):
    """Answer within milliseconds (Zalo wants 200 in < 2 s): verify, store the raw event in one transaction,
    answer. Nothing else happens in the request: the intake claims stored events in batches (zalo/intake.py).
    The look-ups and the check read without a write lock (SQLite: while event batches write, only the insert
    waits its turn)."""
    db.session.commit()
    begin_read_only(db.session)
    tenant = find_by_slug(tenant_slug)
    if tenant is None or tenant.status not in SERVED_STATUSES:
        return {"errors": {"tenant": ["unknown province"]}}, 404
    enter_tenant(tenant)
    connection = webhook_keys()
    if connection is None:
        return {"errors": {"tenant": ["this province has not connected a Zalo OA"]}}, 404
    raw_body = request.get_data(cache=False)
    try:
        body = webhooks.verify(connection, raw_body, request.headers.get(webhooks.SIGNATURE_HEADER), utcnow(),
                               current_app.config["ZALO_WEBHOOK_MAX_AGE_SECONDS"])
    except webhooks.WebhookRejected as rejected:
        log.info("zalo webhook rejected: %s", rejected, extra={"tenant_id": str(tenant.id)})
        return {"errors": {"signature": [str(rejected)]}}, 401
    write_promptly(db.session)  # SQLite: the insert takes the write lock as soon as a batch's slice commits
    stored = webhooks.store_event(raw_body, body, from_zns=request.headers.get(webhooks.ZNS_SERVER_HEADER) == "ZNS")
    db.session.commit()
    return {"received": True, "duplicate": not stored}


@zalo_site_bp.app_context_processor
def _site_verifications() -> dict:
    """The meta tags of every province's Zalo app, for the home page (templates/index.html calls it; no other
    page reads it, so no other page pays the query)."""
    return {"zalo_site_verifications": site_verification.meta_contents}


@zalo_site_bp.get("/zalo_verifier<code>.html")
def verification_file(code: str):
    """The HTML file a province's Zalo app gave to verify the platform's domain (zalo/site_verification.py)."""
    body = site_verification.published_file(f"zalo_verifier{code}.html")
    if body is None:
        abort(404)
    return Response(body, mimetype="text/html", headers=VERIFICATION_FILE_HEADERS)


@zalo_public_bp.get("/oauth/callback")
def oauth_callback():
    """Back from Zalo's permission page, to the page the admin started from (console or setup wizard)."""
    outcome = oauth_flow.complete(request.args, actor=current_user)
    enter_tenant(outcome.tenant)
    if outcome.error:
        flash(outcome.error, "error")
    else:
        flash(_("Zalo OA “%(name)s” connected.", name=outcome.oa_name), "success")
    return redirect(url_for(outcome.return_to))


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
    return render_template("zalo/connection.html", connection=masked_view(connection), form=form,
                           webhook_url=service.webhook_url(g.tenant.slug), connection_statuses=CONNECTION_STATUSES,
                           quota=_quota(connection), not_connected=STATUS_NOT_CONNECTED)


@zalo_admin_bp.post("/connect")
@admin_required
def start_oauth():
    """Connect, or reconnect after Zalo stopped accepting the tokens: the permission flow again."""
    connection = get_connection()
    if connection is None or not connection.app_id or not connection.app_secret:
        flash(_("Enter the app id and app secret first."), "error")
        return redirect(url_for(".connection_page"))
    return redirect(oauth_flow.start(connection))


@zalo_admin_bp.get("/followers")
@admin_required
def followers_page():
    """The OA's followers imported from Zalo: the latest import's progress, and a button to run one."""
    follower_import.give_up_abandoned()
    latest = follower_import.latest()
    db.session.commit()
    connection = get_connection()
    return render_template("zalo/followers.html", latest=latest, status=follower_import_view.as_status(latest),
                           connected=connection is not None and connection.status == STATUS_CONNECTED)


@zalo_admin_bp.post("/followers")
@admin_required
def start_followers_import():
    started = start_follower_import("console", actor=current_user)
    if started.error:
        flash(follower_import_view.reason(started.error), "error")
    return redirect(url_for(".followers_page"))


@zalo_admin_bp.get("/followers/status")
@admin_required
def followers_status():
    """The page's polling script reads the progress here."""
    return jsonify(follower_import_view.as_status(follower_import.latest()))


@zalo_admin_bp.route("/link", methods=["GET", "POST"])
@officer_required
def staff_link_page():
    """A team member links their own Zalo account by writing a code to the province's OA."""
    if request.method == "POST":
        staff_link.issue_code(current_user)
        db.session.commit()
        return redirect(url_for(".staff_link_page"))
    code = staff_link.waiting_code(current_user)
    db.session.commit()
    connection = get_connection()
    return render_template("zalo/staff_link.html", link=staff_link.status(current_user), code=code,
                           oa_name=(connection and connection.oa_name) or g.tenant.name)


@zalo_admin_bp.get("/link/status")
@officer_required
def staff_link_status():
    """For the page's polling script: it reloads the page when `state` changes."""
    return jsonify(staff_link.status(current_user))


def _quota(connection) -> dict | None:
    """Zalo's ZNS quota for today, read live; what went wrong instead when Zalo does not answer."""
    if connection is None or connection.status != STATUS_CONNECTED:
        return None
    try:
        return {"zns": service.zns_quota(), "error": None}
    except ZaloError as error:
        return {"zns": None, "error": error.explanation(str(get_locale()))}
    except ZaloNotConnected:
        return None


class _FormView:
    """Lets WTForms prefill from the masked view (secrets shown masked, never in clear)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)
