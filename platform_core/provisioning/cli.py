"""`flask tenants sync|create|go-live|status|list`. The logic lives in sync.py and service.py."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from platform_core.catalogue.models import Procedure
from platform_core.db.tenant_context import tenant_context
from platform_core.extensions import db
from platform_core.provisioning import sync
from platform_core.tenancy import service
from platform_core.tenancy.cli_support import tenant_by_slug_or_fail
from platform_core.tenancy.constants import STATUS_LIVE, STATUS_ONBOARDING, STATUS_SUSPENDED, STATUS_TRIAL
from platform_core.tenancy.models import Tenant

tenants_cli = AppGroup("tenants", help="Provinces on the platform.")

# `merged` is reached only through the merge tool (it needs a successor); nothing returns to `invited`.
STATUS_COMMAND_CHOICES = (STATUS_ONBOARDING, STATUS_TRIAL, STATUS_LIVE, STATUS_SUSPENDED)

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
    echo_sync_report(sync.sync_sources(read_sources_or_exit(directory)))


def echo_sync_report(report: sync.SyncReport) -> None:
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


@tenants_cli.command("go-live")
@click.argument("slug")
def go_live_command(slug):
    """Put SLUG live (its pages, API and Zalo messages are served)."""
    apply_status_change(slug, STATUS_LIVE, service.go_live)


@tenants_cli.command("status")
@click.argument("slug")
@click.argument("new_status", metavar="STATUS", type=click.Choice(STATUS_COMMAND_CHOICES))
@click.option("--reason", help="Recorded in the tenant's history.")
def status_command(slug, new_status, reason):
    """Move SLUG to STATUS, e.g. suspend it or resume it."""
    apply_status_change(slug, new_status, lambda tenant: service.change_status(tenant, new_status, reason=reason))


def apply_status_change(slug: str, new_status: str, transition) -> None:
    tenant = tenant_by_slug_or_fail(slug)
    old_status = tenant.status
    if old_status == new_status:
        click.echo(f"{slug} is already {new_status}.")
        return
    try:
        transition(tenant)
    except service.TenantError as error:
        raise refused(error, f"cannot change {slug}") from error
    db.session.commit()
    click.echo(f"{slug}: {old_status} -> {new_status}.")


@tenants_cli.command("list")
def list_command():
    """Every tenant with its code, status and number of procedures."""
    tenants = db.session.scalars(select(Tenant).order_by(Tenant.slug)).all()
    if not tenants:
        click.echo("No tenants yet (see 'flask tenants create').")
        return
    click.echo(f"{'SLUG':<16} {'CODE':<4} {'NAME':<20} {'STATUS':<10} PROCEDURES")
    for tenant in tenants:
        line = f"{tenant.slug:<16} {tenant.code or '-':<4} {tenant.name:<20} {tenant.status:<10} "
        click.echo(line + str(procedure_count(tenant)))


def procedure_count(tenant: Tenant) -> int:
    """Procedures are tenant data: counting them means entering each tenant's context."""
    with tenant_context(service.ref(tenant)):
        return db.session.scalar(select(func.count()).select_from(Procedure))
