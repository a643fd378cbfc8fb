"""Setup step 1, the province profile: for the holder of the setup invitation, and for the tenant's admins."""

from flask import g, redirect
from flask_login import current_user

from platform_core.extensions import db
from platform_core.onboarding import profile as profiles
from platform_core.onboarding import wizard
from platform_core.onboarding.constants import STEP_PROFILE
from platform_core.onboarding.forms import ProfileForm
from platform_core.onboarding.setup_session import holder_or_admin_required, is_tenant_admin, setup_invitation
from platform_core.onboarding.views import onboarding_bp


@onboarding_bp.route("/profile", methods=["GET", "POST"])
@holder_or_admin_required
def profile():
    saved = profiles.saved_values()
    invitation = None if is_tenant_admin() else setup_invitation()
    if saved is not None:
        start = saved
    elif invitation is not None:
        start = profiles.prefilled(g.tenant, invitation.contact_name, invitation.email)
    else:
        start = profiles.prefilled(g.tenant, current_user.full_name, current_user.email)
    form = ProfileForm(data=start | {"agencies": profiles.agencies_text(start["agencies"])})
    if form.validate_on_submit():
        actor = current_user._get_current_object() if invitation is None else None
        profiles.save(form.profile_values(), logo=form.parsed_logo, remove_logo=form.remove_logo.data, actor=actor,
                      invitation=invitation)
        wizard.mark_done(STEP_PROFILE)
        db.session.commit()
        return redirect(wizard.step_url(wizard.next_step(STEP_PROFILE)))
    return wizard.render_step(STEP_PROFILE, "onboarding/profile.html", form=form, code=g.tenant.code,
                              has_logo=profiles.has_logo(),
                              registry_agencies=bool(profiles.prefilled(g.tenant)["agencies"]))
