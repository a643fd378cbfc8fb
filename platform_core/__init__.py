"""Motcua: the one-stop public-administration desk on Zalo, one tenant per province.

The package is `platform_core`, not `platform`: a top-level `platform` package would shadow the standard
library module that SQLAlchemy, pytest, Flask's CLI and `uuid` import.
"""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from platform_core.config import DEFAULT_INSTANCE_PATH, REPO_ROOT, load_settings


def create_app(config: dict | None = None) -> Flask:
    config = config or {}
    instance_path = Path(
        config.get("INSTANCE_PATH") or os.environ.get("MOTCUA_INSTANCE_PATH") or DEFAULT_INSTANCE_PATH
    )
    instance_path.mkdir(parents=True, exist_ok=True)
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
    _register_blueprints(app)
    _register_cli(app)
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
    from platform_core.db.sqlite import enable_sqlite_pragmas
    from platform_core.delivery import receipts  # noqa: F401 - receipts from Zalo move deliveries forward
    from platform_core.extensions import babel, csrf, db, limiter, migrate
    from platform_core.i18n import select_locale
    from platform_core.web.hooks import init_web_hooks

    db.init_app(app)
    with app.app_context():
        enable_sqlite_pragmas(db.engine, immediate=app.config["SQLITE_IMMEDIATE_TRANSACTIONS"])
    migrate.init_app(app, db, directory=str(REPO_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    init_login(app)
    init_web_hooks(app)


def _register_blueprints(app: Flask) -> None:
    import platform_core.bot  # noqa: F401 - registers the lookup bot's handler for citizens' text
    import platform_core.citizens.bot  # noqa: F401 - "dừng", consent replies, Zalo's user_withdraw
    import platform_core.citizens.screen  # noqa: F401 - registers the screen of a citizen who stopped
    import platform_core.delivery.trial  # noqa: F401 - registers the trial screen (delivery/screens.py)
    import platform_core.feedback.bot  # noqa: F401 - "phản ánh …", answers' reactions, images for a feedback
    import platform_core.officials.bot  # noqa: F401 - the "Đã nhận" button of notices, read receipts
    import platform_core.officials.forwarding  # noqa: F401 - forwarded feedback reaches the agency's officials
    import platform_core.ratings.bot  # noqa: F401 - ratings given in the chat
    import platform_core.ratings.invitations  # noqa: F401 - a returned dossier invites its citizen to rate
    import platform_core.ratings.zns  # noqa: F401 - Zalo's user_feedback: a rating given in the ZNS template
    from platform_core.api import api_v1
    from platform_core.apikeys.views import apikeys_admin_bp
    from platform_core.auth.views import auth_bp
    from platform_core.broadcasts.views import broadcasts_admin_bp
    from platform_core.catalogue.views import catalogue_admin_bp
    from platform_core.citizens.views import citizens_admin_bp
    from platform_core.console.views import console_bp
    from platform_core.dashboard.views import reports_bp
    from platform_core.delivery.admin.deliveries import deliveries_admin_bp
    from platform_core.delivery.admin.guest_list import guest_list_bp
    from platform_core.delivery.admin.templates import templates_admin_bp
    from platform_core.feedback.public import feedback_public_bp
    from platform_core.feedback.views import feedback_admin_bp
    from platform_core.health.views import health_bp
    from platform_core.officials.views import officials_admin_bp
    from platform_core.onboarding.logo import tenant_logo_bp
    from platform_core.onboarding.views import onboarding_bp
    from platform_core.operator.views import operator_bp
    from platform_core.ratings.public import ratings_public_bp
    from platform_core.ratings.views import ratings_admin_bp
    from platform_core.team.views import team_bp
    from platform_core.tenancy.views import province_bp
    from platform_core.web.views import web_bp
    from platform_core.zalo.views import zalo_admin_bp, zalo_public_bp

    blueprints = (
        health_bp, web_bp, auth_bp, api_v1, zalo_public_bp, operator_bp,
        # province pages: /<slug>/admin/..., /<slug>/setup/..., then the province's public home
        console_bp, zalo_admin_bp, catalogue_admin_bp, templates_admin_bp, deliveries_admin_bp, guest_list_bp,
        team_bp, apikeys_admin_bp, reports_bp, ratings_admin_bp, feedback_admin_bp, broadcasts_admin_bp,
        officials_admin_bp, citizens_admin_bp, onboarding_bp, tenant_logo_bp, feedback_public_bp, ratings_public_bp,
        province_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def _register_cli(app: Flask) -> None:
    from platform_core.apikeys.cli import apikeys_cli
    from platform_core.auth.cli import users_cli
    from platform_core.db.cli import keys_cli
    from platform_core.delivery.cli import delivery_cli
    from platform_core.demo.cli import demo_command
    from platform_core.jobs.cli import worker_command
    from platform_core.jobs.scheduler import scheduler_command
    from platform_core.onboarding.cli import invite_command
    from platform_core.tenancy.cli import tenants_cli
    from platform_core.zalo.cli import connect_zalo_command, zalo_cli

    tenants_cli.add_command(connect_zalo_command)
    tenants_cli.add_command(invite_command)
    commands = (tenants_cli, apikeys_cli, users_cli, keys_cli, zalo_cli, delivery_cli, demo_command,
                worker_command, scheduler_command)
    for command in commands:
        app.cli.add_command(command)
