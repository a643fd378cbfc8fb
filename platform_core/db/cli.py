"""`flask keys rotate`."""

import click
from flask.cli import AppGroup

from platform_core.db.rotation import rotate_all

keys_cli = AppGroup("keys", help="Encryption keys for secrets at rest.")


@keys_cli.command("rotate")
def rotate_command():
    """Re-encrypt every stored secret and encrypted file under the newest key (the first of ENCRYPTION_KEYS)."""
    for stored, count in rotate_all().items():
        click.echo(f"{stored}: {count} re-encrypted")
