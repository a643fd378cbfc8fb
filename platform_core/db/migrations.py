"""Schema migrations (Flask-Migrate over Alembic, the scripts in migrations/), set up when first used.

Importing Flask-Migrate imports Alembic and Mako, about a tenth of a new process's start (py-spy over the test
suite: 9 % of a delivery pump's samples, most of them its start). Every worker, pump, scheduler and web process
would pay that at each start for commands it never runs. So create_app registers a `flask db` command that loads
Flask-Migrate's group and sets it up when it runs, and code that migrates from Python (the tests' and the benches'
databases) calls `upgrade()` or `downgrade()` from here.
"""

import click
from flask import Flask, current_app

from platform_core.config import REPO_ROOT
from platform_core.db import db

DIRECTORY = str(REPO_ROOT / "migrations")


def register_commands(app: Flask) -> None:
    app.cli.add_command(_MigrationCommands("db", help="Migrate the schema (Flask-Migrate): upgrade, check, ..."))


def upgrade(revision: str = "head") -> None:
    """The current app's database migrated up to `revision`."""
    import flask_migrate

    _set_up()
    flask_migrate.upgrade(revision=revision)


def downgrade(revision: str = "-1") -> None:
    """The current app's database migrated down to `revision`."""
    import flask_migrate

    _set_up()
    flask_migrate.downgrade(revision=revision)


def _set_up() -> None:
    """Flask-Migrate bound to the current app (its `extensions["migrate"]`, which migrations/env.py reads), once."""
    app = current_app._get_current_object()
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, directory=DIRECTORY, render_as_batch=True, compare_type=True)


class _MigrationCommands(click.Command):
    """`flask db ...`: stands in for Flask-Migrate's own group (its options, commands and help), which it loads and
    sets up when it is run. Flask's command line has pushed the app's context by then."""

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        from flask_migrate.cli import db as commands

        _set_up()
        return commands.make_context(info_name, args, parent=parent, **extra)
