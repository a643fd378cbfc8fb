"""Flask extensions, created unbound here and bound to the app in create_app. `db` is made by the database
layer (platform_core/db/__init__.py) and handed on from here, where every module finds it."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from platform_core.db import db

__all__ = ["babel", "csrf", "db", "limiter", "login_manager"]

login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)
