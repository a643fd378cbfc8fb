"""The form's link token: the procedure code and the citizen's Zalo user id, signed with the app's secret under a
salt naming the tenant, timestamped (itsdangerous). A token made for one province never verifies in another, and
it expires LINK_HOURS after the bot sent it. A submitted token is spent (Registration.token_digest)."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from platform_core.registrations.constants import LINK_HOURS

SALT = "motcua.registration"


class BadToken(Exception):
    """Not signed by us for this province, or malformed."""


class ExpiredToken(Exception):
    """Ours, but older than LINK_HOURS."""


@dataclass(frozen=True)
class FormLink:
    procedure_code: str
    zalo_user_id: str
    issued_at: datetime


def _serializer(tenant_id: uuid.UUID) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"{SALT}.{tenant_id}")


def make_token(tenant_id: uuid.UUID, procedure_code: str, zalo_user_id: str) -> str:
    return _serializer(tenant_id).dumps([procedure_code, zalo_user_id])


def read_token(tenant_id: uuid.UUID, token: str) -> FormLink:
    """What a token signed for this tenant and still fresh names; BadToken or ExpiredToken (service.open_link
    also reads the tokens of the provinces merged into the tenant)."""
    try:
        (code, user_id), issued_at = _serializer(tenant_id).loads(token, max_age=LINK_HOURS * 3600,
                                                                  return_timestamp=True)
    except SignatureExpired:
        raise ExpiredToken from None
    except (BadSignature, ValueError, TypeError):
        raise BadToken from None
    if not isinstance(code, str) or not isinstance(user_id, str):
        raise BadToken
    return FormLink(code, user_id, issued_at)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
