"""`flask tenants invite SLUG --email EMAIL [--name NAME]`: what the operator console's invite form does."""

import click
from flask.cli import with_appcontext

from platform_core.extensions import db
from platform_core.onboarding.emails import QUEUED, InvitationNotQueued, deliver_invitation
from platform_core.onboarding.invitations import InvitationError, invite_province


@click.command("invite")
@click.argument("slug")
@click.option("--email", required=True, help="The person who will set the province up.")
@click.option("--name", "contact_name", help="Their name, for the e-mail's greeting (default: the e-mail).")
@with_appcontext
def invite_command(slug, email, contact_name):
    """Invite province SLUG's first administrator: prints the single-use setup link, e-mails it with SMTP."""
    try:
        tenant, invitation, link = invite_province(slug, email, contact_name or email)
    except InvitationError as error:
        db.session.rollback()
        raise click.ClickException(f"cannot invite '{slug}': {error.message}") from error
    email, expiry = invitation.email, invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    db.session.commit()
    click.echo(f"Invited {email} to set up {tenant.name} ({tenant.slug}).")
    click.echo(f"Setup link (works once, until {expiry}):")
    click.echo(link)
    try:
        outcome = deliver_invitation(invitation, link)
    except InvitationNotQueued:
        click.echo("Redis is unreachable: the e-mail was NOT queued; send the link yourself.", err=True)
        return
    if outcome == QUEUED:
        click.echo(f"An e-mail to {email} is queued (a worker sends it: 'flask worker').")
    else:
        click.echo("MAIL_SERVER is not set: nothing was e-mailed; send the link yourself.")
