"""The one place a URL becomes a tenant: `/<tenant_slug>/...` blueprints call `tenant_blueprint()`.

The slug is popped from the view arguments, resolved to a served tenant (an old slug redirects to its
successor), put into the tenant context for the rest of the request, and put back by `url_for`
automatically. An unknown or unserved slug is a 404.
"""

from flask import Blueprint, abort, g, redirect, request

from platform_core.db.tenant_context import TenantRef, set_current_tenant
from platform_core.tenancy import service
from platform_core.tenancy.constants import SERVED_STATUSES


class TenantRedirect(Exception):
    def __init__(self, location: str):
        self.location = location


def tenant_blueprint(name: str, import_name: str, url_prefix: str = "", **options) -> Blueprint:
    blueprint = Blueprint(name, import_name, url_prefix=f"/<tenant_slug>{url_prefix}", **options)

    @blueprint.url_value_preprocessor
    def _resolve(endpoint, values):
        slug = values.pop("tenant_slug", None) if values else None
        resolve_tenant_from_slug(slug)

    @blueprint.url_defaults
    def _add_slug(endpoint, values):
        if "tenant_slug" not in values and getattr(g, "tenant", None) is not None:
            values["tenant_slug"] = g.tenant.slug

    @blueprint.errorhandler(TenantRedirect)
    def _redirect(exc: TenantRedirect):
        return redirect(exc.location, code=301)

    return blueprint


def resolve_tenant_from_slug(slug: str | None) -> None:
    tenant = service.find_by_slug(slug) if slug else None
    if slug and (tenant is None or tenant.successor_id is not None):
        successor = service.find_alias_target(slug) if tenant is None else service.successor_of(tenant)
        if successor is not None:
            raise TenantRedirect(request.path.replace(f"/{slug}", f"/{successor.slug}", 1))
    if tenant is None or tenant.status not in SERVED_STATUSES:
        abort(404)
    enter_tenant(tenant)


def enter_tenant(tenant) -> None:
    """Make `tenant` the request's tenant; the teardown hook resets it."""
    g.tenant = tenant
    enter_tenant_ref(service.ref(tenant))


def enter_tenant_ref(tenant: TenantRef) -> None:
    """The tenant context alone, for a caller that knows the tenant without its row (`g.tenant` stays unset):
    the API, from a key it checked a moment ago (apikeys/usage.py)."""
    g.tenant_context_token = set_current_tenant(tenant)
