"""`flask apikeys create|list|revoke`."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from platform_core.apikeys import service
from platform_core.apikeys.models import KINDS, ApiKey
from platform_core.extensions import db
from platform_core.tenancy.cli_support import tenant_argument_context

apikeys_cli = AppGroup("apikeys", help="API keys that province systems use to call /api/v1.")


@apikeys_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="What the key is for, e.g. 'một cửa production'.")
@click.option("--kind", type=click.Choice(KINDS), default="live", show_default=True,
              help="'test' keys never reach Zalo.")
def create(slug, name, kind):
    """Create a key for SLUG and print it (shown this once only)."""
    with tenant_argument_context(slug):
        try:
            key, plaintext = service.create_key(name, kind)
        except service.ApiKeyError as error:
            raise click.BadParameter(error.message, param_hint=f"--{error.field}") from error
        key_id = key.id
        db.session.commit()
    click.echo(f"Created {kind} key '{name}' ({key_id}) for {slug}. Store it now; it is not shown again:")
    click.echo(plaintext)


@apikeys_cli.command("list")
@click.argument("slug")
def list_keys(slug):
    """List SLUG's keys (prefixes only)."""
    with tenant_argument_context(slug):
        for key in db.session.scalars(select(ApiKey).order_by(ApiKey.created_at)):
            state = "revoked" if key.is_revoked else "active"
            click.echo(f"{key.id}  {key.kind:4}  {state:7}  {key.display_prefix}  {key.name}")


@apikeys_cli.command("revoke")
@click.argument("slug")
@click.argument("key_id", type=click.UUID)
def revoke(slug, key_id):
    """Revoke one of SLUG's keys."""
    with tenant_argument_context(slug):
        key = db.session.scalar(select(ApiKey).where(ApiKey.id == key_id))
        if key is None:
            raise click.BadParameter(f"{slug} has no key {key_id}", param_hint="KEY_ID")
        service.revoke_key(key)
        db.session.commit()
    click.echo(f"Revoked {key_id}.")
