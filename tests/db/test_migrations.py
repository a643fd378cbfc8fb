"""platform_core/db/migrations.py: `flask db` works as Flask-Migrate's own group, and Flask-Migrate (with Alembic
and Mako) is imported only when a migration runs, not by every process that builds the app."""

from platform_core.db.migrations import DIRECTORY
from tests.new_process import output_of

MIGRATION_TOOLING = {"alembic", "flask_migrate", "mako"}


def test_building_the_app_imports_no_migration_tooling(tmp_path):
    probe = f"import sys, wsgi; print(sorted({{name.split('.')[0] for name in sys.modules}} & {MIGRATION_TOOLING!r}))"
    assert output_of(probe, tmp_path).strip() == "[]"


def test_flask_db_runs_flask_migrate_commands_with_their_options(app, tmp_path):
    runner = app.test_cli_runner()
    current = runner.invoke(args=["db", "current"])
    assert current.exit_code == 0, current.output
    assert app.extensions["migrate"].directory == DIRECTORY

    elsewhere = runner.invoke(args=["db", "--directory", str(tmp_path / "no-scripts"), "current"])
    assert elsewhere.exit_code == 1  # the group's option reached Alembic, which found no scripts there

    refused = runner.invoke(args=["db", "--no-such-option", "current"])
    assert refused.exit_code == 2 and "No such option" in refused.output

    listed = runner.invoke(args=["db", "--help"])
    assert listed.exit_code == 0
    assert all(command in listed.output for command in ("upgrade", "downgrade", "check", "current"))
