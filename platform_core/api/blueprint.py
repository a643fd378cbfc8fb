"""`/api/v1`: bearer-key authentication, tenant context, and JSON errors only."""

import logging

from flask import Blueprint, current_app, g, jsonify, request
from marshmallow import ValidationError

from platform_core.apikeys import service as apikeys
from platform_core.extensions import csrf, db
from platform_core.tenancy.constants import SERVED_STATUSES
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.resolution import enter_tenant, enter_tenant_ref
from platform_core.web.hooks import json_error

log = logging.getLogger(__name__)

api_v1 = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(api_v1)  # authenticated by bearer key, never by cookie


class Unauthorized(Exception):
    def __init__(self, message: str):
        self.message = message


def public(view):
    """Mark a view of this blueprint as answering without an API key (the OpenAPI document: it describes the
    API and holds no tenant data)."""
    view.is_public = True
    return view


@api_v1.before_request
def authenticate_key():
    if getattr(current_app.view_functions.get(request.endpoint), "is_public", False):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, plaintext = header.partition(" ")
    if scheme.lower() != "bearer" or not plaintext.strip():
        raise Unauthorized("send the API key as 'Authorization: Bearer <key>'")
    plaintext = plaintext.strip()
    known = apikeys.trusted(plaintext)
    if known is not None:
        enter_tenant_ref(known.tenant)  # served when the key was checked, at most KEY_CACHE_SECONDS ago
        g.api_key = known
    else:
        g.api_key = checked_key(plaintext)


def checked_key(plaintext: str):
    """The key checked against the database: its province must be served and the key unrevoked."""
    tenant_id = apikeys.tenant_id_of(plaintext)
    tenant = db.session.get(Tenant, tenant_id) if tenant_id else None
    if tenant is None or tenant.status not in SERVED_STATUSES:
        raise Unauthorized("invalid or revoked API key")
    enter_tenant(tenant)
    known = apikeys.authenticate(plaintext)
    if known is None:
        raise Unauthorized("invalid or revoked API key")
    return known


@api_v1.errorhandler(Unauthorized)
def _unauthorized(error: Unauthorized):
    response = jsonify(errors={"authorization": [error.message]})
    response.headers["WWW-Authenticate"] = 'Bearer realm="motcua"'
    return response, 401


@api_v1.errorhandler(ValidationError)
def _invalid(error: ValidationError):
    """Refused input is logged by field name only: the values may carry a citizen's name or phone."""
    messages = error.normalized_messages()
    log.info("API request refused: %s %s, invalid fields: %s", request.method, request.url_rule,
             ", ".join(sorted(map(str, messages))))
    return json_error(messages), 422
