"""Motcua: the one-stop public-administration desk on Zalo, one tenant per province.

The package is `platform_core`, not `platform`: a top-level `platform` package would shadow the standard
library module that SQLAlchemy, pytest, Flask's CLI and `uuid` import.
"""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from platform_core.config import DEFAULT_INSTANCE_PATH, load_settings
from platform_core.private_files import private_dir


def create_app(config: dict | None = None) -> Flask:
    config = config or {}
    instance_path = Path(
        config.get("INSTANCE_PATH") or os.environ.get("MOTCUA_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH
    )
    private_dir(instance_path)  # the SQLite file, generated keys, Redis's state
    app = Flask(__name__, instance_path=str(instance_path))
    settings = load_settings(instance_path)
    settings.update(config)
    _finish_settings(settings, instance_path)
    app.config.update(settings)

    if app.config["PROXY_HOPS"]:
        # Behind a proxy every client would otherwise share the proxy's address (rate limits, audit IPs).
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    _wire(app)
    return app


def _finish_settings(settings: dict, instance_path: Path) -> None:
    from platform_core.db import crypto
    from platform_core.jobs.embedded_redis import ensure_shared_server
    from platform_core.secrets_bootstrap import resolve_secrets

    resolve_secrets(settings, instance_path)
    crypto.configure(settings["ENCRYPTION_KEYS"])
    if not settings.get("REDIS_URL"):
        settings["REDIS_URL"] = ensure_shared_server(instance_path)
    settings.setdefault("RATELIMIT_STORAGE_URI", settings["REDIS_URL"])
    settings.setdefault("RATELIMIT_KEY_PREFIX", "motcua-limits")


def _init_extensions(app: Flask) -> None:
    from platform_core import models  # noqa: F401 - the metadata must be complete before anything maps
    from platform_core.auth.session import init_login
    from platform_core.db.migrations import register_commands
    from platform_core.db.sqlite import create_private_database_file, enable_sqlite_pragmas
    from platform_core.extensions import babel, csrf, db, limiter
    from platform_core.i18n import select_locale
    from platform_core.web.hooks import init_web_hooks

    create_private_database_file(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    with app.app_context():
        enable_sqlite_pragmas(db.engine, immediate=app.config["SQLITE_IMMEDIATE_TRANSACTIONS"])
    register_commands(app)  # `flask db`, set up when used (db/migrations.py)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    init_login(app)
    init_web_hooks(app)


def _wire(app: Flask) -> None:
    """Every registration is listed in wiring.py (blueprints, CLI groups, the features' hooks)."""
    from platform_core import wiring

    wiring.register_hooks()
    wiring.register_blueprints(app)
    wiring.register_cli(app)
