"""`flask tenants connect-zalo` and `flask zalo send-test | refresh-tokens | requeue-events`."""

import click
from flask.cli import AppGroup

from platform_core.tenancy.cli_support import tenant_argument_context
from platform_core.zalo import jobs, service
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.tokens import ZaloNotConnected

zalo_cli = AppGroup("zalo", help="The provinces' Zalo OA connections.")


@click.command("connect-zalo")
@click.argument("slug")
@click.option("--app-id", required=True)
@click.option("--app-secret", required=True)
@click.option("--oa-id", required=True)
@click.option("--oa-secret-key", required=True, help="The OA secret key that signs webhooks.")
@click.option("--access-token", required=True)
@click.option("--refresh-token", required=True)
@click.option("--expires-in", type=click.IntRange(min=60), default=90_000, show_default=True,
              help="Seconds the access token has left.")
@click.option("--verify/--no-verify", default=True, show_default=True, help="Ask Zalo for the OA first.")
def connect_zalo_command(slug, app_id, app_secret, oa_id, oa_secret_key, access_token, refresh_token,
                         expires_in, verify):
    """Connect SLUG's Zalo OA with credentials from Zalo's developer console (no browser)."""
    credentials = service.ManualCredentials(app_id, app_secret, oa_id, oa_secret_key, access_token,
                                            refresh_token, expires_in)
    with tenant_argument_context(slug):
        try:
            connection = service.connect_manually(credentials, verify=verify)
        except ZaloError as error:
            raise click.ClickException(_describe(error)) from error
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        name = connection.oa_name or oa_id
    click.echo(f"{slug}: connected to Zalo OA {name} ({oa_id}).")


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
    """Queue webhook events that were stored but never processed (e.g. while Redis was down)."""
    click.echo(f"queued {jobs.requeue_stale_events()} event(s)")


def _describe(error: ZaloError) -> str:
    return f"Zalo error {error.code} ({error.outcome.value}): {error.message}"
