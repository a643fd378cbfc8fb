"""How CLI commands enter a tenant: by slug, with a clear error for an unknown one."""

from collections.abc import Iterator
from contextlib import contextmanager

import click

from platform_core.db.tenant_context import tenant_context
from platform_core.extensions import db
from platform_core.tenancy import service
from platform_core.tenancy.models import Tenant


def tenant_by_slug_or_fail(slug: str) -> Tenant:
    tenant = service.find_by_slug(slug)
    if tenant is None:
        raise click.BadParameter(f"no tenant '{slug}' (see 'flask tenants list')", param_hint="SLUG")
    return tenant


@contextmanager
def tenant_argument_context(slug: str) -> Iterator[Tenant]:
    """Run the block as tenant SLUG, in a fresh session (no object from another tenant lingers)."""
    tenant = tenant_by_slug_or_fail(slug)
    db.session.remove()
    try:
        with tenant_context(service.ref(tenant)):
            yield tenant
    finally:
        db.session.remove()
