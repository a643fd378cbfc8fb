"""The rating link's token: the invitation, its nonce and its dossier, signed with the app's secret under a
salt that names the tenant (itsdangerous). A token made for one province never verifies in another, and one
naming another dossier than its invitation's is refused when it is checked (ratings/service.py).

Ids travel as 22-character base64 so that the link stays short enough for a Zalo message.
"""

import base64
import uuid
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, Signer

from platform_core.db.tenant_context import require_tenant
from platform_core.tenancy.service import read_signed

SALT = "motcua.rating"
SEPARATOR = "."


@dataclass(frozen=True)
class TokenClaims:
    invitation_id: uuid.UUID
    nonce: str
    dossier_id: uuid.UUID


class BadToken(Exception):
    """The token was not signed by us for this province, or is malformed."""


def make_token(invitation_id: uuid.UUID, nonce: str, dossier_id: uuid.UUID) -> str:
    value = SEPARATOR.join((_short(invitation_id), nonce, _short(dossier_id)))
    return _signer(require_tenant().id).sign(value).decode()


def read_token(token: str) -> TokenClaims:
    """The claims of a token signed for the tenant in context, or for a province merged into it (its invitation
    moved here with its id: a link sent before the merge still rates the dossier), or BadToken."""
    return read_signed(require_tenant().id, lambda tenant_id: _read(tenant_id, token), BadToken)


def _read(tenant_id: uuid.UUID, token: str) -> TokenClaims:
    try:
        value = _signer(tenant_id).unsign(token.encode()).decode()
        invitation, nonce, dossier = value.split(SEPARATOR)
        return TokenClaims(_long(invitation), nonce, _long(dossier))
    except (BadSignature, ValueError, UnicodeError):
        raise BadToken from None


def _signer(tenant_id: uuid.UUID) -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=f"{SALT}.{tenant_id}")


def _short(value: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(value.bytes).decode().rstrip("=")


def _long(text: str) -> uuid.UUID:
    return uuid.UUID(bytes=base64.urlsafe_b64decode(text + "=="))
