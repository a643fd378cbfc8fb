"""Opening an invitation link: `/<slug>/setup/join/<token>`.

- a link that cannot be used (tampered, expired, used, withdrawn): a page saying why and what to do;
- signed in with another account: a page saying so (the invitation is for one e-mail address);
- an account with the invitation's e-mail exists: sign in (and come back here), then accept with a button;
- `province_setup`: the invitation goes into the session and the setup wizard opens at step 1;
- `team`: a form creates the account; the role is granted and the province console opens.
"""

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth import service as accounts
from platform_core.auth.constants import ROLE_ADMIN, TENANT_ROLES
from platform_core.auth.forms import PASSWORD_HINT
from platform_core.auth.views import NEXT, begin_session
from platform_core.extensions import db
from platform_core.onboarding import acceptance, setup_session, wizard
from platform_core.onboarding.constants import PURPOSE_PROVINCE_SETUP, STEP_PROFILE, STEPS
from platform_core.onboarding.forms import AcceptForm, TeamJoinForm
from platform_core.onboarding.invitations import EXPIRED, INVALID, REVOKED, USED, TokenRefused, check_token
from platform_core.onboarding.models import Invitation
from platform_core.onboarding.views import onboarding_bp

# A link that was never valid is a bad request; one that was valid and no longer is, is gone.
REFUSED_STATUS = {INVALID: 400, EXPIRED: 410, USED: 410, REVOKED: 410}


@onboarding_bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    try:
        invitation = check_token(token)
    except TokenRefused as refused:
        return refused_page(refused)
    if current_user.is_authenticated:
        if accounts.normalise_email(current_user.email) != invitation.email:
            return render_template("onboarding/join.html", state="other_account", invitation=invitation), 403
        return _accept_signed_in(invitation)
    if accounts.find_user(invitation.email) is not None:
        login_url = url_for("auth.login", next=request.path)
        return render_template("onboarding/join.html", state="sign_in", invitation=invitation, login_url=login_url)
    if invitation.purpose == PURPOSE_PROVINCE_SETUP:
        setup_session.remember(invitation)
        # The link is used up when the account is made (step 2): say how to come back after that too.
        flash(_("Welcome, %(name)s. Setting up %(province)s takes %(count)s steps, each saved as you go. This link "
                "opens the setup until you create your administrator account in step 2; after that, come back at "
                "%(address)s and sign in with that account.", name=invitation.contact_name,
                province=g.tenant.name, count=len(STEPS), address=wizard.resume_url()), "info")
        return redirect(wizard.step_url(STEP_PROFILE))
    return _join_team(invitation)


def refused_page(refused: TokenRefused):
    return render_template("onboarding/join_refused.html", reason=refused.reason), REFUSED_STATUS[refused.reason]


def _accept_signed_in(invitation: Invitation):
    """The invitation's own account, signed in: one button takes the role (no second account)."""
    form = AcceptForm()
    if not form.validate_on_submit():
        return render_template("onboarding/join.html", state="accept", invitation=invitation, form=form)
    user = current_user._get_current_object()
    try:
        acceptance.accept_as(g.tenant, invitation, user)
    except TokenRefused as refused:
        db.session.rollback()
        return refused_page(refused)
    db.session.commit()
    role = TENANT_ROLES.get(invitation.role, invitation.role)
    flash(_("You are now %(role)s of %(province)s.", role=role, province=g.tenant.name), "success")
    return _after_acceptance(invitation, user)


def _join_team(invitation: Invitation):
    form, error = TeamJoinForm(email=invitation.email), None
    if form.validate_on_submit():
        try:
            user = acceptance.join_team(g.tenant, invitation, form.full_name.data, form.password.data)
        except TokenRefused as refused:
            db.session.rollback()
            return refused_page(refused)
        except acceptance.AcceptanceError:
            db.session.rollback()
            error = _("An account already uses this e-mail address. Sign in, then open the invitation link again.")
        else:
            begin_session(user)
            db.session.commit()
            flash(_("Your account is ready. Welcome to %(province)s.", province=g.tenant.name), "success")
            return _after_acceptance(invitation, user)
    return render_template("onboarding/join.html", state="team", invitation=invitation, form=form, error=error,
                           password_hint=PASSWORD_HINT)


def _after_acceptance(invitation: Invitation, user):
    """Setup invitations continue the wizard, team ones open the console; administrators enrol TOTP first."""
    if invitation.purpose == PURPOSE_PROVINCE_SETUP:
        destination = wizard.step_url(wizard.first_incomplete() or STEP_PROFILE)
    else:
        destination = url_for("console.dashboard")
    if invitation.role == ROLE_ADMIN and not user.has_totp:
        session[NEXT] = destination
        return redirect(url_for("auth.totp_setup"))
    return redirect(destination)
