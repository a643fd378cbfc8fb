"""Flask-Login wiring: how a session cookie becomes `current_user`."""

import uuid

from flask_babel import lazy_gettext as _l

from platform_core.auth.models import SESSION_VERSION_SEPARATOR, User
from platform_core.extensions import db, login_manager


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session names, if the session is still current: its version must be the user's (a
    sign-out, a password change, a 2FA reset or a role change bumps it; a copied cookie then names a
    revoked session). A session from before versions existed has none and signs in again."""
    user_id, _, version = (session_id or "").partition(SESSION_VERSION_SEPARATOR)
    try:
        user = db.session.get(User, uuid.UUID(user_id))
    except ValueError:
        return None
    return user if user is not None and version == str(user.session_version) else None
