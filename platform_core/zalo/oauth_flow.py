"""Connecting an OA through Zalo's OAuth v4 permission page (docs/zalo-oa.md §1).

`start` builds the permission URL with a PKCE challenge and a signed `state` that binds the tenant, names the
page to come back to (the console's Zalo page or the setup wizard's step) and expires; the verifier waits in
the admin's session. `complete` (the callback) checks the state, that the signed-in user is an admin of that
tenant, exchanges the code, stores the tokens, verifies the connection by asking Zalo for the OA's details,
and once that is committed starts importing the OA's existing followers (zalo/follower_import.py).
"""

import secrets
from dataclasses import dataclass, replace

from flask import abort, current_app, session, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from platform_core.audit.service import record_event
from platform_core.auth.constants import ROLE_ADMIN
from platform_core.db.lookup import as_uuid
from platform_core.db.tenant_context import tenant_context
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import ref
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.connection import get_connection, store_token_pair
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.jobs import start_follower_import
from platform_core.zalo.pkce import code_challenge, new_code_verifier
from platform_core.zalo.refusals import refusal

STATE_MAX_AGE_SECONDS = 600  # Zalo's authorization code lives 10 minutes too
_SESSION_KEY = "zalo_oauth_verifiers"
CONSOLE_PAGE = "zalo_admin.connection_page"
RETURN_PAGES = {CONSOLE_PAGE, "onboarding.zalo"}  # where a callback may send the admin back to


@dataclass(frozen=True)
class CallbackOutcome:
    tenant: Tenant
    oa_name: str | None = None
    error: str | None = None
    return_to: str = CONSOLE_PAGE  # an endpoint of RETURN_PAGES


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="zalo-oauth-state")


def redirect_uri() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("zalo.oauth_callback")


def start(connection, return_to: str = CONSOLE_PAGE) -> str:
    if return_to not in RETURN_PAGES:
        raise ValueError(f"cannot return to {return_to!r} after connecting")
    nonce = secrets.token_urlsafe(16)
    verifier = new_code_verifier()
    session.setdefault(_SESSION_KEY, {})[nonce] = verifier
    session.modified = True
    state = _serializer().dumps({"tenant_id": str(connection.tenant_id), "nonce": nonce, "return_to": return_to})
    return zalo_client().permission_url(connection.app_id, redirect_uri(), code_challenge(verifier), state)


def complete(args, actor) -> CallbackOutcome:
    state = _load_state(args.get("state", ""))
    tenant = db.session.get(Tenant, _uuid(state.get("tenant_id")))
    if tenant is None or not getattr(actor, "is_authenticated", False):
        abort(404)
    if not actor.has_tenant_role(tenant.id, ROLE_ADMIN):
        abort(404)
    verifier = session.get(_SESSION_KEY, {}).pop(state.get("nonce"), None)
    session.modified = True
    if verifier is None or not args.get("code"):
        abort(400, description=_("This Zalo authorisation was already used or is incomplete; start again."))
    with tenant_context(ref(tenant)):
        outcome = _exchange_and_verify(tenant, args["code"], verifier, args.get("oa_id"), actor)
    return_to = state.get("return_to")
    return replace(outcome, return_to=return_to) if return_to in RETURN_PAGES else outcome


def _exchange_and_verify(tenant, code, verifier, oa_id_from_zalo, actor) -> CallbackOutcome:
    connection = get_connection()
    client = zalo_client()
    try:
        pair = client.exchange_code(connection.app_id, connection.app_secret, code, verifier)
        info = client.oa_info(pair.access_token)
    except ZaloError as error:
        record_event("zalo_connect_failed", actor=actor, target=connection, details={"code": error.code})
        db.session.commit()
        return CallbackOutcome(tenant, error=refusal(error))
    if oa_id_from_zalo and info.oa_id != oa_id_from_zalo:
        return CallbackOutcome(tenant, error=_("Zalo answered for a different OA; start again."))
    store_token_pair(connection, pair.access_token, pair.refresh_token, pair.expires_in)
    connection.oa_id, connection.oa_name = info.oa_id, info.name
    record_event("zalo_connected", actor=actor, target=connection, details={"oa_id": info.oa_id, "via": "oauth"})
    db.session.commit()
    start_follower_import("connect", actor=actor)
    return CallbackOutcome(tenant, oa_name=info.name)


def _load_state(raw: str) -> dict:
    try:
        return _serializer().loads(raw, max_age=STATE_MAX_AGE_SECONDS)
    except SignatureExpired:
        abort(400, description=_("This Zalo authorisation link has expired; start again."))
    except BadSignature:
        abort(400, description=_("Invalid Zalo authorisation state."))


def _uuid(value):
    parsed = as_uuid(value)
    if parsed is None:
        abort(400, description=_("Invalid Zalo authorisation state."))
    return parsed
