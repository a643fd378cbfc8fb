"""`flask tenants sync|create|go-live|status|list`. The logic lives in sync.py and service.py."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from platform_core.extensions import db
from platform_core.tenancy import service, sync
from platform_core.tenancy.constants import STATUS_LIVE, STATUS_ONBOARDING, STATUS_TRIAL

tenants_cli = AppGroup("tenants", help="Provinces on the platform.")

directory_option = click.option(
    "--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
    help="The tenants/ data folder (default: the TENANTS_DIR setting).",
)


def read_sources_or_exit(directory: Path | None) -> sync.Sources:
    """Every problem on its own line (`<file>: <field>: <message>`), then a non-zero exit."""
    directory = directory or Path(current_app.config["TENANTS_DIR"])
    try:
        return sync.read_sources(directory)
    except sync.SourcesInvalid as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(error.problems)} problem(s) in {directory}; nothing was changed"
        ) from error


def refused(error: service.TenantError, what: str) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(f"{what}: {error.field}: {error.message}")


@tenants_cli.command("sync")
@directory_option
def sync_command(directory):
    """Validate every file in tenants/, then load provinces and the tenants' catalogues (idempotent)."""
    report = sync.sync_sources(read_sources_or_exit(directory))
    click.echo(f"Provinces: {report.provinces}")
    click.echo("Procedures:" if report.procedures else "Procedures: no tenant to sync")
    for slug, counts in report.procedures.items():
        click.echo(f"  {slug:<16} {counts}")
    if report.skipped:
        click.echo(f"Not synced (no folder in tenants/): {', '.join(report.skipped)}")


@tenants_cli.command("create")
@click.argument("slug")
@click.option("--name", help="Needed when SLUG is not a province in tenants/.")
@click.option("--status", type=click.Choice((STATUS_ONBOARDING, STATUS_TRIAL, STATUS_LIVE)),
              default=STATUS_ONBOARDING, show_default=True)
@directory_option
def create_command(slug, name, status, directory):
    """Create tenant SLUG from the province registry and load its catalogue."""
    sources = read_sources_or_exit(directory)
    try:
        tenant, counts = sync.provision_tenant(sources, slug, name=name, status=status)
    except service.TenantError as error:
        raise refused(error, f"cannot create '{slug}'") from error
    db.session.commit()
    click.echo(f"Created {tenant.slug}: {tenant.name} (code {tenant.code or '-'}), status {tenant.status}.")
    if counts is None:
        click.echo(f"No folder tenants/{slug}/: no catalogue loaded.")
    else:
        click.echo(f"Procedures: {counts}")
