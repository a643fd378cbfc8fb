"""The download link's token: the result's id, signed with the app's secret under a salt naming the tenant and
timestamped (itsdangerous). A token made for one province never verifies in another; it expires LINK_HOURS
after it was made (when the message was sent). The id travels as 22-character base64 to keep the link short."""

import base64
import uuid
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner

from platform_core.results.constants import LINK_HOURS

SALT = "motcua.result"


class BadToken(Exception):
    """Not signed by us for this province, or malformed."""


class ExpiredToken(Exception):
    """Ours, but older than LINK_HOURS."""


class _Signer(TimestampSigner):
    def __init__(self, tenant_id: uuid.UUID, issued_at: datetime | None = None):
        super().__init__(current_app.config["SECRET_KEY"], salt=f"{SALT}.{tenant_id}")
        self.issued_at = issued_at

    def get_timestamp(self) -> int:
        return int(self.issued_at.timestamp()) if self.issued_at else super().get_timestamp()


def make_token(tenant_id: uuid.UUID, result_id: uuid.UUID, issued_at: datetime | None = None) -> str:
    short = base64.urlsafe_b64encode(result_id.bytes).decode().rstrip("=")
    return _Signer(tenant_id, issued_at).sign(short).decode()


def read_token(tenant_id: uuid.UUID, token: str) -> uuid.UUID:
    """The result id of a token signed for this tenant and still fresh; BadToken or ExpiredToken."""
    try:
        short = _Signer(tenant_id).unsign(token.encode(), max_age=LINK_HOURS * 3600).decode()
        return uuid.UUID(bytes=base64.urlsafe_b64decode(short + "=="))
    except SignatureExpired:
        raise ExpiredToken from None
    except (BadSignature, ValueError, UnicodeError):
        raise BadToken from None
