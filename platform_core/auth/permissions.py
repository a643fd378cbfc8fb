"""Server-side permission checks for province pages. Every check is on the tenant in context."""

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from platform_core.auth.constants import ROLE_ADMIN, ROLE_OFFICER


def tenant_role_required(minimum: str = ROLE_OFFICER):
    """The view needs a signed-in member of this tenant with at least `minimum` (operators are not members).

    A signed-in user without the role gets 404, the same as a tenant that does not exist for them.
    """

    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if not current_user.has_tenant_role(g.tenant.id, minimum):
                abort(404)
            return view(*args, **kwargs)

        return wrapper

    return decorate


admin_required = tenant_role_required(ROLE_ADMIN)
officer_required = tenant_role_required(ROLE_OFFICER)


def operator_required(view):
    """Platform operators only; anyone else (signed in or not) gets 404, as for a page that does not exist."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_operator:
            abort(404)
        return view(*args, **kwargs)

    return wrapper
