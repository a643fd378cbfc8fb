"""Flask extensions, created unbound here and bound to the app in create_app."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from platform_core.db.base import Base
from platform_core.db.session import TenantSession, resync_scoped_session
from platform_core.tenancy.context import on_tenant_change

db = SQLAlchemy(model_class=Base, session_options={"class_": TenantSession})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def _resync_current_session() -> None:
    from flask import has_app_context

    if has_app_context():
        resync_scoped_session(db.session)


on_tenant_change(_resync_current_session)
