"""Province console: the team (members, invitations, roles, removal, 2FA resets). Administrators only."""

import logging

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.onboarding.emails import offer_invitation
from platform_core.team import service
from platform_core.team.forms import InviteForm, RoleForm
from platform_core.tenancy.resolution import tenant_blueprint

log = logging.getLogger(__name__)

team_bp = tenant_blueprint("team", __name__, url_prefix="/admin/team")
INVITATION_FIELDS = {"contact_name": "full_name"}  # onboarding/invitations.py's field names -> the form's


@team_bp.get("/")
@admin_required
def index():
    return _render_index(InviteForm())


@team_bp.post("/invite")
@admin_required
def invite():
    form = InviteForm()
    if not form.validate_on_submit():
        return _render_index(form)
    try:
        invitation, link = service.invite(g.tenant, form.email.data, form.full_name.data, form.role.data,
                                          actor=current_user)
    except FieldError as error:  # the team's rules, or the invitation's own checks
        getattr(form, INVITATION_FIELDS.get(error.field, error.field), form.email).errors.append(error.message)
        return _render_index(form)
    db.session.commit()
    delivery = offer_invitation(invitation, link)
    # The link is shown on this response only: no redirect, so it is never kept in the session cookie.
    response = make_response(_render_index(InviteForm(formdata=None), invited=invitation, link=link,
                                           delivery=delivery))
    response.headers["Cache-Control"] = "no-store"
    return response



@team_bp.post("/invitations/<uuid:invitation_id>/revoke")
@admin_required
def revoke_invitation(invitation_id):
    if not service.withdraw_invitation(invitation_id, actor=current_user):
        abort(404)
    db.session.commit()
    flash(_("The invitation was withdrawn; its link no longer works."), "success")
    return redirect(url_for(".index"))


@team_bp.post("/<uuid:user_id>/role")
@admin_required
def change_role(user_id):
    member = _member_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role from the list."), "error")
    else:
        _apply(lambda: service.change_role(g.tenant, member, form.role.data, actor=current_user),
               _("%(name)s's role was changed.", name=member.full_name))
    return redirect(url_for(".index"))


@team_bp.route("/<uuid:user_id>/remove", methods=["GET", "POST"])
@admin_required
def remove(user_id):
    member = _member_or_404(user_id)
    confirmed = _confirm(
        _("Remove %(name)s from the team?", name=member.full_name),
        _("%(email)s will no longer be able to open this province's console. Their account stays, and they can "
          "be invited again.", email=member.email),
        _("Remove from the team"),
    )
    if confirmed is not True:
        return confirmed
    _apply(lambda: service.remove(g.tenant, member, actor=current_user),
           _("%(name)s was removed from the team.", name=member.full_name))
    return redirect(url_for(".index"))


@team_bp.route("/<uuid:user_id>/reset-2fa", methods=["GET", "POST"])
@admin_required
def reset_two_factor(user_id):
    member = _member_or_404(user_id)
    confirmed = _confirm(
        _("Reset two-step verification for %(name)s?", name=member.full_name),
        _("Use this when they lost the phone with their authenticator app. They sign in with their password "
          "alone and must set up two-step verification again."),
        _("Reset two-step verification"),
    )
    if confirmed is not True:
        return confirmed
    _apply(lambda: service.reset_two_factor(g.tenant, member, actor=current_user),
           _("Two-step verification was reset for %(name)s.", name=member.full_name))
    return redirect(url_for(".index"))


def _member_or_404(user_id):
    member = service.find_member(g.tenant, user_id)
    if member is None:
        abort(404)
    return member


def _confirm(question: str, explanation: str, button: str):
    """On GET the confirmation page; on POST (its form, with the CSRF token checked) True."""
    if request.method == "POST":
        return True
    return render_template("console/confirm.html", question=question, explanation=explanation, button=button,
                           cancel_url=url_for(".index"))


def _apply(change, success: str) -> None:
    """Run a team change, commit it and say so; a refused change is rolled back and its reason shown."""
    try:
        changed = change()
    except service.TeamError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return
    db.session.commit()
    if changed is not False:
        flash(success, "success")


def _render_index(form: InviteForm, **shown) -> str:
    return render_template("team/index.html", form=form, members=service.members(g.tenant),
                           invitations=service.open_invitations(),
                           can_reset=lambda user: service.can_reset_two_factor(g.tenant, user), **shown)
