"""`flask tenants connect-zalo` and `flask zalo send-test | refresh-tokens | requeue-events`."""

import os

import click
from flask.cli import AppGroup

from platform_core.tenancy.cli_support import tenant_argument_context
from platform_core.zalo import intake, jobs, service
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.tokens import ZaloNotConnected

zalo_cli = AppGroup("zalo", help="The provinces' Zalo OA connections.")


# The secrets never come from argv, which any local user can read (`ps`, /proc) and shells keep in history:
# each comes from its environment variable, else from a prompt that does not echo. The old flags still work
# for scripts written against them, with a warning. Option -> (environment variable, prompt).
SECRETS = {
    "app_secret": ("ZALO_APP_SECRET", "App secret"),
    "oa_secret_key": ("ZALO_OA_SECRET_KEY", "OA secret key (signs webhooks)"),
    "access_token": ("ZALO_ACCESS_TOKEN", "Access token"),
    "refresh_token": ("ZALO_REFRESH_TOKEN", "Refresh token"),
}


def _deprecated_secret_flag(name: str):
    return click.option(f"--{name.replace('_', '-')}", name, hidden=True,
                        help=f"Deprecated: set {SECRETS[name][0]} or answer the prompt.")


@click.command("connect-zalo")
@click.argument("slug")
@click.option("--app-id", required=True)
@click.option("--oa-id", required=True)
@_deprecated_secret_flag("app_secret")
@_deprecated_secret_flag("oa_secret_key")
@_deprecated_secret_flag("access_token")
@_deprecated_secret_flag("refresh_token")
@click.option("--expires-in", type=click.IntRange(min=60), default=90_000, show_default=True,
              help="Seconds the access token has left.")
@click.option("--verify/--no-verify", default=True, show_default=True, help="Ask Zalo for the OA first.")
def connect_zalo_command(slug, app_id, oa_id, expires_in, verify, **given):
    """Connect SLUG's Zalo OA with credentials from Zalo's developer console (no browser).

    The secrets are read from ZALO_APP_SECRET, ZALO_OA_SECRET_KEY, ZALO_ACCESS_TOKEN and ZALO_REFRESH_TOKEN,
    or asked for (the answers are not shown)."""
    secrets = {name: _secret(name, given[name]) for name in SECRETS}
    credentials = service.ManualCredentials(app_id, secrets["app_secret"], oa_id, secrets["oa_secret_key"],
                                            secrets["access_token"], secrets["refresh_token"], expires_in)
    with tenant_argument_context(slug):
        try:
            connection = service.connect_manually(credentials, verify=verify)
        except ZaloError as error:
            raise click.ClickException(_describe(error)) from error
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        name = connection.oa_name or oa_id
    click.echo(f"{slug}: connected to Zalo OA {name} ({oa_id}).")


def _secret(name: str, from_argv: str | None) -> str:
    variable, prompt = SECRETS[name]
    if from_argv is not None:
        click.echo(f"Warning: --{name.replace('_', '-')} is deprecated (other users can read the command line); "
                   f"set {variable} or answer the prompt.", err=True)
        return from_argv
    return os.environ.get(variable) or click.prompt(prompt, hide_input=True)


@zalo_cli.command("send-test")
@click.argument("slug")
@click.option("--user-id", required=True, help="The citizen's Zalo user id in this OA.")
@click.option("--text", required=True)
def send_test_command(slug, user_id, text):
    """Send one consultation message synchronously and print Zalo's message id."""
    with tenant_argument_context(slug):
        try:
            result = service.send_test_message(user_id, text)
        except ZaloNotConnected as error:
            raise click.ClickException(str(error)) from error
        except ZaloError as error:
            raise click.ClickException(_describe(error)) from error
    click.echo(f"sent: message_id={result.message_id}")


@zalo_cli.command("refresh-tokens")
def refresh_tokens_command():
    """Refresh every access token that expires soon (the scheduler does this every 10 minutes)."""
    click.echo(f"refreshed {jobs.refresh_expiring_tokens()} connection(s)")


@zalo_cli.command("requeue-events")
def requeue_events_command():
    """Claim and queue the webhook events waiting now (the delivery pump does this every tick)."""
    intake.start()  # the cross-tenant access, audited
    click.echo(f"queued {intake.tick()} event(s)")


def _describe(error: ZaloError) -> str:
    return f"Zalo error {error.code} ({error.outcome.value}): {error.message}"
