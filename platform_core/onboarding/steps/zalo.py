"""Setup step 3, connect the Zalo OA: through Zalo's permission page (OAuth, back to this step), or with
tokens copied from Zalo's developer console. Either way Zalo is asked who the OA is (getoa) and its name is
shown, with the webhook and callback URLs to paste into Zalo's console. Zalo takes those URLs only on a domain
verified for the province's app: the page explains how, and publishes the file or meta tag Zalo gives
(zalo/site_verification.py). The step is done once the OA is connected.

In development against the Zalo sandbox (`make run`), a third way: one button creates the province's OA in
the sandbox and connects it through the same OAuth flow (zalo/sandbox_oa.py); the button exists only then."""

from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.extensions import db
from platform_core.onboarding import wizard
from platform_core.onboarding.constants import STEP_ZALO
from platform_core.onboarding.views import onboarding_bp
from platform_core.settings.service import province_settings
from platform_core.zalo import oauth_flow, sandbox_oa, site_verification
from platform_core.zalo.connection import get_connection, get_or_create_connection, masked_view, save_credentials
from platform_core.zalo.constants import STATUS_CONNECTED
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.forms import (
    CREDENTIAL_FIELDS,
    VERIFICATION_PROBLEMS,
    ManualConnectForm,
    OAuthConnectForm,
    SandboxConnectForm,
    SiteVerificationForm,
)
from platform_core.zalo.refusals import refusal
from platform_core.zalo.service import ManualCredentials, connect_manually, webhook_url

WIZARD_PAGE = "onboarding.zalo"


@onboarding_bp.route("/zalo", methods=["GET", "POST"])
@admin_required
def zalo():
    stored = masked_view(get_connection())
    prefill = {name: stored.get(name) for name in ("app_id", "oa_id")}
    oauth_form = OAuthConnectForm(prefix="oauth", data=prefill)
    manual_form = ManualConnectForm(prefix="manual", data=prefill)
    oauth_form.stored = manual_form.stored = stored
    verify_form = SiteVerificationForm(prefix="verify")
    sandbox_form = SandboxConnectForm(prefix="sandbox") if sandbox_oa.enabled() else None
    if verify_form.submit.data and verify_form.validate_on_submit() and _publish(verify_form):
        return redirect(url_for(".zalo") + "#domain-verification")
    if oauth_form.submit.data and oauth_form.validate_on_submit():
        return _through_zalo(oauth_form.credentials())
    if sandbox_form is not None and sandbox_form.submit.data and sandbox_form.validate_on_submit():
        credentials = _sandbox_app(sandbox_form)
        if credentials is not None:
            return _through_zalo(credentials)
    if manual_form.submit.data and manual_form.validate_on_submit():
        error = _connect_by_hand(manual_form)
        if error is None:
            return redirect(url_for(".zalo"))
        manual_form.form_errors.append(error)
    return (_render(oauth_form, manual_form, verify_form, sandbox_form),
            422 if verify_form.errors or verify_form.form_errors else 200)


def _through_zalo(credentials: dict):
    """Store the app's credentials, then off to Zalo's permission page, which comes back to this step."""
    connection = get_or_create_connection()
    save_credentials(connection, actor=current_user, **credentials)
    db.session.commit()
    return redirect(oauth_flow.start(connection, return_to=WIZARD_PAGE))


def _sandbox_app(form: SandboxConnectForm) -> dict | None:
    """The province's app in the Zalo sandbox (made on the first click, named as the profile names the OA, the
    admin its follower); None with the problem on the form when the sandbox does not answer."""
    try:
        app = sandbox_oa.provide_app(g.tenant.slug, province_settings().display_name or g.tenant.name,
                                     current_user.full_name)
    except sandbox_oa.SandboxUnreachable:
        form.form_errors.append(_("The Zalo sandbox at %(url)s does not answer. Is “make run” still running?",
                                  url=sandbox_oa.base_url()))
        return None
    return {name: app[name] for name in CREDENTIAL_FIELDS}


def _publish(form: SiteVerificationForm) -> bool:
    """Publish what Zalo gave; False with the problem shown on the form (another province's file)."""
    try:
        site_verification.publish(form.parsed_file, form.parsed_meta, actor=current_user)
    except site_verification.VerificationError as error:
        form.file.errors = [*form.file.errors, VERIFICATION_PROBLEMS[error.message]]
        return False
    db.session.commit()
    flash(_("Published on %(domain)s. Now press “Xác thực” on Zalo's domain verification page.",
            domain=site_verification.domain()), "success")
    return True


def _connect_by_hand(form: ManualConnectForm) -> str | None:
    """Connect (connect_manually verifies the token with Zalo first); the reason shown when it failed."""
    credentials = ManualCredentials(**form.credentials(), access_token=form.access_token.data.strip(),
                                    refresh_token=form.refresh_token.data.strip())
    try:
        connection = connect_manually(credentials, actor=current_user)
    except ZaloError as error:
        return refusal(error)
    except ValueError:
        return _("This access token belongs to another OA than the OA ID entered.")
    flash(_("Zalo OA “%(name)s” connected.", name=connection.oa_name), "success")
    return None


def _render(oauth_form, manual_form, verify_form, sandbox_form):
    connection = get_connection()
    connected = connection is not None and connection.status == STATUS_CONNECTED
    if connected and not wizard.is_done(STEP_ZALO):
        wizard.mark_done(STEP_ZALO)
        db.session.commit()
    return wizard.render_step(
        STEP_ZALO, "onboarding/zalo.html", connection=masked_view(connection), connected=connected,
        oauth_form=oauth_form, manual_form=manual_form, sandbox_form=sandbox_form,
        secret_fields=set(CREDENTIAL_FIELDS) - {"app_id", "oa_id"},
        webhook_url=webhook_url(g.tenant.slug), next_url=wizard.step_url(wizard.next_step(STEP_ZALO)),
        manual_open=bool(manual_form.errors or manual_form.form_errors),
        verify_form=verify_form, verification=site_verification.current(), domain=site_verification.domain(),
        home_url=site_verification.home_url(), file_url=site_verification.file_url,
        callback_url=oauth_flow.redirect_uri(),
    )
