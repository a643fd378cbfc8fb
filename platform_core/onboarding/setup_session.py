"""Who may open the first setup steps: the holder of an open setup invitation, or an admin of the tenant.

Opening a `province_setup` link puts the invitation (its id and its tenant's) in the session, which Flask
signs; every step re-reads the invitation, so a link used, withdrawn or expired in the meantime stops
working at once. The session entry is bound to its tenant: it opens nothing in another province.
"""

from functools import wraps

from flask import abort, g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from platform_core.auth.constants import ROLE_ADMIN
from platform_core.db.lookup import as_uuid
from platform_core.extensions import db
from platform_core.onboarding.constants import PURPOSE_PROVINCE_SETUP
from platform_core.onboarding.invitations import TokenRefused, check_open
from platform_core.onboarding.models import Invitation

SESSION_KEY = "onboarding_invitation"


def remember(invitation: Invitation) -> None:
    session[SESSION_KEY] = {"tenant": str(invitation.tenant_id), "invitation": str(invitation.id)}


def forget() -> None:
    session.pop(SESSION_KEY, None)


def setup_invitation() -> Invitation | None:
    """The open setup invitation this session holds for the tenant in the URL, or None."""
    held = session.get(SESSION_KEY)
    if not isinstance(held, dict) or held.get("tenant") != str(g.tenant.id):
        return None
    invitation = db.session.scalar(select(Invitation).where(Invitation.id == as_uuid(held.get("invitation"))))
    if invitation is None or invitation.purpose != PURPOSE_PROVINCE_SETUP:
        return None
    try:
        check_open(invitation)
    except TokenRefused:
        forget()
        return None
    return invitation


def is_tenant_admin() -> bool:
    return current_user.is_authenticated and current_user.has_tenant_role(g.tenant.id, ROLE_ADMIN)


def holder_or_admin_required(view):
    """Anyone else: a sign-in page when signed out (an admin whose session ended), 404 when signed in."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if is_tenant_admin() or setup_invitation() is not None:
            return view(*args, **kwargs)
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(404)

    return wrapper
