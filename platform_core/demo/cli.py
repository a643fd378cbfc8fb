"""`flask demo`: the demo provinces, logins and API keys (logic in demo/service.py)."""

import textwrap
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from platform_core.demo import service
from platform_core.provisioning.cli import echo_sync_report, read_sources_or_exit
from platform_core.tenancy.service import TenantError


@click.command("demo")
@with_appcontext
def demo_command():
    """Create or reuse the demo provinces (bac-ninh, da-nang, an-giang), their users and API keys."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("'flask demo' creates logins with a published password: not in production")
    sources = read_sources_or_exit(None)  # file problems are reported as 'flask tenants sync' does
    try:
        result = service.run_demo(sources, Path(current_app.instance_path))
    except TenantError as error:
        raise click.ClickException(f"cannot set up the demo: {error.field}: {error.message}") from error
    echo_result(result)


def echo_result(result: service.DemoResult) -> None:
    echo_sync_report(result.sync)
    created = ", ".join(result.created) if result.created else "nothing (all reused)"
    click.echo(textwrap.fill(f"Created this run: {created}", width=110, subsequent_indent="  "))
    click.echo("")
    click.echo(f"{'URL':<12} {'ADMIN LOGIN':<24} {'OFFICER LOGIN':<26} API KEY")
    for province in result.provinces:
        click.echo(f"{province.url_path:<12} {province.admin_email:<24} {province.officer_email:<26} "
                   f"{province.api_key}")
    click.echo("")
    click.echo(f"Operator login: {service.OPERATOR_EMAIL}")
    click.echo(f"Password for every demo login: {service.DEMO_PASSWORD}  (DEMO ONLY: never use it in production)")
    click.echo(f"Saved to {result.credentials_file} (readable by you only).")
