"""Flask-Login wiring: how a session cookie becomes `current_user`."""

import uuid

from flask_babel import lazy_gettext as _l

from platform_core.auth.models import User
from platform_core.extensions import db, login_manager


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, uuid.UUID(user_id))
    except ValueError:
        return None
