"""`flask users create|grant|revoke|reset-2fa|set-password|list`: accounts and province roles from the command line."""

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask.cli import AppGroup

from platform_core.auth import service
from platform_core.auth.constants import TENANT_ROLES
from platform_core.extensions import db
from platform_core.tenancy import service as tenancy
from platform_core.tenancy.models import Tenant

users_cli = AppGroup("users", help="Manage user accounts.")

ROLE_CHOICE = click.Choice(sorted(TENANT_ROLES))


@contextmanager
def _refusals(hints: dict[str, str]) -> Iterator[None]:
    """A service refusal becomes a click error naming the option or argument it concerns."""
    try:
        yield
    except service.UserError as error:
        raise click.BadParameter(error.message, param_hint=hints.get(error.field, error.field)) from error


def _user_or_fail(email: str):
    user = service.find_user(email)
    if user is None:
        raise click.BadParameter(f"no user '{email}' (see 'flask users list')", param_hint="EMAIL")
    return user


def _tenant_or_fail(slug: str, hint: str) -> Tenant:
    tenant = tenancy.find_by_slug(slug)
    if tenant is None:
        raise click.BadParameter(f"no tenant '{slug}' (see 'flask tenants list')", param_hint=hint)
    return tenant


@users_cli.command("create")
@click.argument("email")
@click.option("--name", "full_name", required=True, help="Full name, e.g. 'Nguyễn Thị Lan'.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted (with confirmation) when omitted; avoid it on shared shells.")
@click.option("--operator", is_flag=True, help="A platform operator (runs the whole platform).")
@click.option("--tenant", "slug", help="Also give a role in this province (slug, e.g. bac-ninh).")
@click.option("--role", type=ROLE_CHOICE, help="The role in --tenant.")
def create(email, full_name, password, operator, slug, role):
    """Create a user account."""
    if bool(slug) != bool(role):
        raise click.UsageError("--tenant and --role go together")
    tenant = _tenant_or_fail(slug, "--tenant") if slug else None
    with _refusals({"email": "EMAIL", "full_name": "--name", "password": "--password", "role": "--role"}):
        user = service.create_user(email, full_name, password, operator=operator)
        if tenant is not None:
            service.grant_role(user, tenant, role)
    db.session.commit()
    suffix = f", {role} of {tenant.slug}" if tenant else ""
    click.echo(f"Created {user.email}{' (operator)' if operator else ''}{suffix}.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("slug")
@click.option("--role", type=ROLE_CHOICE, required=True)
def grant(email, slug, role):
    """Give EMAIL a role in province SLUG (replacing any role there)."""
    user, tenant = _user_or_fail(email), _tenant_or_fail(slug, "SLUG")
    with _refusals({"role": "--role"}):
        service.grant_role(user, tenant, role)
    db.session.commit()
    click.echo(f"{user.email} is now {role} of {tenant.slug}.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("slug")
def revoke(email, slug):
    """Remove EMAIL's role in province SLUG."""
    user, tenant = _user_or_fail(email), _tenant_or_fail(slug, "SLUG")
    with _refusals({"tenant": "SLUG"}):
        service.revoke_role(user, tenant)
    db.session.commit()
    click.echo(f"{user.email} no longer has a role in {tenant.slug}.")


@users_cli.command("reset-2fa")
@click.argument("email")
def reset_2fa(email):
    """Turn off EMAIL's two-step verification (lost phone); they enrol again at their next sign-in."""
    user = _user_or_fail(email)
    with _refusals({"email": "EMAIL"}):
        service.reset_totp(user)
    db.session.commit()
    click.echo(f"Two-step verification reset for {user.email}.")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted (with confirmation) when omitted; avoid it on shared shells.")
def set_password(email, password):
    """Give EMAIL a new password; every session they have is signed out."""
    user = _user_or_fail(email)
    with _refusals({"password": "--password"}):
        service.set_password(user, password)
    db.session.commit()
    click.echo(f"New password set for {user.email}; their sessions are signed out.")


@users_cli.command("list")
def list_users():
    """List users with their platform role, TOTP state and province roles."""
    for user in service.list_users():
        roles = ", ".join(f"{item.tenant.slug}:{item.role}" for item in service.province_roles(user)) or "-"
        flags = " ".join(
            flag for flag, on in (("operator", user.is_operator), ("totp", user.has_totp),
                                  ("inactive", not user.is_active)) if on
        )
        click.echo(f"{user.email}  {user.full_name}  [{flags or '-'}]  {roles}")
