"""Setup step 2, the first administrator account, on two pages:

1. name, password (twice), and TOTP enrolment (QR code + the secret as text) confirmed by a first code;
2. the ten recovery codes, shown once, until "I have saved them".

Page 1 creates everything in one transaction (acceptance.create_first_admin) and signs the person in with
two-step verification satisfied. Once the account exists, admins coming back see a summary instead.
"""

from flask import g, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth import recovery, totp
from platform_core.auth.forms import PASSWORD_HINT, SavedCodesForm
from platform_core.auth.permissions import admin_required
from platform_core.auth.views import begin_session, held_codes, hold_new_codes, release_codes
from platform_core.extensions import db
from platform_core.onboarding import acceptance, wizard
from platform_core.onboarding.constants import STEP_ADMIN
from platform_core.onboarding.forms import AdminAccountForm
from platform_core.onboarding.invitations import TokenRefused
from platform_core.onboarding.join import refused_page
from platform_core.onboarding.setup_session import holder_or_admin_required, setup_invitation
from platform_core.onboarding.views import onboarding_bp

ENROLMENT_SLOT = "onboarding_totp"


@onboarding_bp.route("/admin", methods=["GET", "POST"])
@holder_or_admin_required
def admin():
    invitation = setup_invitation()
    if invitation is None:  # an admin of the tenant: the account exists
        return _summary()
    secret = _enrolment_secret()
    form, error = AdminAccountForm(email=invitation.email), None
    if form.validate_on_submit():
        try:
            user, codes = acceptance.create_first_admin(g.tenant, invitation, form.full_name.data,
                                                        form.password.data, secret, form.code.data)
        except TokenRefused as refused:
            db.session.rollback()
            return refused_page(refused)
        except acceptance.AcceptanceError as refused:
            if refused.field == "code":
                db.session.commit()  # only the totp_failed audit event: nothing else was written
                form.code.errors.append(_("That code is not valid. Enter the current code from your app."))
            else:
                db.session.rollback()
                error = _("An account already uses this e-mail address. Sign in, then open the invitation link "
                          "again.")
        else:
            begin_session(user)
            hold_new_codes(codes, wizard.step_url(wizard.next_step(STEP_ADMIN)))
            db.session.commit()
            return redirect(url_for("onboarding.recovery_codes"))
    return wizard.render_step(
        STEP_ADMIN, "onboarding/admin.html", form=form, error=error, email=invitation.email,
        password_hint=PASSWORD_HINT, secret=totp.grouped(secret),
        qr_code=totp.qr_svg(totp.provisioning_uri(secret, invitation.email)),
    )


@onboarding_bp.route("/admin/recovery-codes", methods=["GET", "POST"])
@admin_required
def recovery_codes():
    codes = held_codes()
    if codes is None:  # already confirmed (a reload, the back button)
        return redirect(wizard.step_url(wizard.next_step(STEP_ADMIN)))
    form = SavedCodesForm()
    if form.validate_on_submit():
        return redirect(release_codes())
    return wizard.render_step(STEP_ADMIN, "onboarding/recovery_codes.html", form=form, codes=codes)


def _summary():
    user = current_user._get_current_object()
    return wizard.render_step(
        STEP_ADMIN, "onboarding/admin_done.html", user=user, remaining=recovery.remaining(user),
        next_url=wizard.step_url(wizard.next_step(STEP_ADMIN)), resume_url=wizard.resume_url(),
    )


def _enrolment_secret() -> str:
    """One secret for the whole enrolment (kept encrypted in the session), so that a page redisplayed with an
    error shows the QR code already scanned."""
    secret = totp.unseal(session.get(ENROLMENT_SLOT))
    if secret is None:
        secret = totp.new_secret()
        session[ENROLMENT_SLOT] = totp.seal(secret)
    return secret
