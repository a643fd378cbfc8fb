"""The signed outgoing webhook (issue 13, part 2): the province gives the address its one-stop software listens
on, and gets a signing secret, shown once and stored encrypted. Each new registration is then POSTed there as
JSON by a job (registrations/jobs.py), retried with growing waits, never in the citizen's request; every attempt
leaves its outcome on a WebhookDelivery row, which the console lists.

Signature (as the API's description in api/openapi.py tells integrators; personal data: docs/domain.md §6):
`X-Motcua-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the
secret>`, `X-Motcua-Timestamp` in Unix seconds (the receiver refuses old ones: a replayed request), and
`X-Motcua-Delivery` the delivery's id (the same on every retry of one registration: the receiver drops
duplicates by it).

Never to the platform's own network (SSRF): the address must be public when the province saves it and again
when each delivery is sent (resolved, every address checked, the connection made to the checked one:
platform_core/outbound.py); a refused send fails the delivery at once and is audited. The
OUTGOING_WEBHOOK_ALLOW_PRIVATE setting lifts the check for development and tests, whose receivers listen on
127.0.0.1."""

import hashlib
import hmac
import ipaddress
import json
import secrets
import time
import uuid
from urllib.parse import urlsplit

import httpx
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from platform_core import outbound
from platform_core.audit.service import record_event
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.registrations.constants import (
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WEBHOOK_EVENT,
    WEBHOOK_FAILED,
    WEBHOOK_PENDING,
    WEBHOOK_SENT,
    WEBHOOK_TIMEOUT_SECONDS,
)
from platform_core.registrations.models import Registration, RegistrationWebhook, WebhookDelivery

DELIVERY_HEADER = "X-Motcua-Delivery"
LOCAL_HOSTS = ("localhost",)
MAX_ERROR = 300


class UrlRefused(ValueError):
    def __init__(self, message):
        super().__init__("refused")
        self.message = message


def check_url(url: str) -> str:
    """An https address, or http to this machine outside production (a receiver in development and tests), whose
    host is not, and does not resolve to, a private address (unless OUTGOING_WEBHOOK_ALLOW_PRIVATE)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.password:
        raise UrlRefused(_l("Give a full address starting with https://, without a user name or password."))
    if parts.scheme == "http" and (current_app.config["PRODUCTION"] or not _is_local(parts.hostname)):
        raise UrlRefused(_l("The address must start with https:// (http only to this machine, in development)."))
    if len(url) > 500:
        raise UrlRefused(_l("Too long: at most %(max)s characters.", max=500))
    try:
        _address(url)
    except ValueError:
        raise UrlRefused(_l("The address has an invalid port.")) from None
    except outbound.Unresolvable:  # not yet in the DNS, perhaps: each send resolves it and checks again
        pass
    except outbound.NotPublic as refused:
        raise UrlRefused(_l("%(host)s is a private, loopback, link-local or reserved address: give the public "
                            "address of your one-stop software.", host=refused.host)) from None
    return url


def _is_local(host: str) -> bool:
    address = outbound.literal_address(host)
    return host in LOCAL_HOSTS or (address is not None and ipaddress.ip_address(address).is_loopback)


def _address(url: str) -> str:
    """The checked address the webhook's host resolves to (outbound.HostRefused, or ValueError for a bad port)."""
    return outbound.resolve(urlsplit(url).hostname, outbound.port_of(url),
                            allow_private=current_app.config["OUTGOING_WEBHOOK_ALLOW_PRIVATE"])


# --- the province's settings --------------------------------------------------------------------------------


def current() -> RegistrationWebhook | None:
    return db.session.scalar(select(RegistrationWebhook))


def configure(url: str, actor=None) -> str | None:
    """Set the address; a new webhook gets its secret, which is returned (shown once). Changing the address
    keeps the secret (None is returned)."""
    url = check_url(url)
    hook = current()
    secret = None
    if hook is None:
        secret = new_secret()
        hook = RegistrationWebhook(url=url, secret=secret)
        db.session.add(hook)
    hook.url = url
    db.session.flush()
    record_event("registration_webhook_set", actor=actor, details={"url": url, "new_secret": secret is not None})
    return secret


def rotate_secret(actor=None) -> str | None:
    """A new secret for the webhook (the old one stops signing at once); None when there is no webhook."""
    hook = current()
    if hook is None:
        return None
    hook.secret = new_secret()
    db.session.flush()
    record_event("registration_webhook_secret_rotated", actor=actor)
    return hook.secret


def remove(actor=None) -> bool:
    hook = current()
    if hook is None:
        return False
    db.session.delete(hook)
    db.session.flush()
    record_event("registration_webhook_removed", actor=actor)
    return True


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def deliveries(limit: int = 20, failed_only: bool = False) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    if failed_only:
        query = query.where(WebhookDelivery.status == WEBHOOK_FAILED)
    return list(db.session.scalars(query.limit(limit)))


# --- sending ------------------------------------------------------------------------------------------------


def retry_intervals() -> tuple[int, ...]:
    """The waits between attempts (the REGISTRATION_WEBHOOK_RETRY_SECONDS setting)."""
    return tuple(current_app.config["REGISTRATION_WEBHOOK_RETRY_SECONDS"])


def new_delivery(registration: Registration) -> WebhookDelivery | None:
    """A pending delivery of the registration, when the province has a webhook."""
    hook = current()
    if hook is None:
        return None
    delivery = WebhookDelivery(registration_id=registration.id, url=hook.url, status=WEBHOOK_PENDING, attempts=0)
    db.session.add(delivery)
    db.session.flush()
    return delivery


def get_delivery(delivery_id: str) -> WebhookDelivery | None:
    return db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.id == uuid.UUID(delivery_id)))


def attempt(delivery: WebhookDelivery, payload: dict, last_try: bool) -> bool:
    """POST the payload, signed with the webhook's current secret, to the address its host resolves to now (a
    private one fails the delivery at once, audited); the outcome is written on the delivery (failed for good on
    the last try). True when the receiver answered 2xx."""
    hook = current()
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    if hook is None:
        delivery.status, delivery.last_error = WEBHOOK_FAILED, "no webhook configured any more"
        return False
    try:
        error = _post(hook, delivery, payload)
    except outbound.NotPublic as refused:
        _refuse(delivery, hook.url, refused.host)
        return False
    if error is None:
        delivery.status, delivery.delivered_at, delivery.last_error = WEBHOOK_SENT, utcnow(), None
        return True
    delivery.last_error = error[:MAX_ERROR]
    delivery.status = WEBHOOK_FAILED if last_try else WEBHOOK_PENDING
    return False


def _post(hook: RegistrationWebhook, delivery: WebhookDelivery, payload: dict) -> str | None:
    """The error of one POST (None: taken). The connection goes to the address that was checked."""
    try:
        request = outbound.pinned(hook.url, _address(hook.url))
    except outbound.Unresolvable as failure:
        delivery.last_status_code = None
        return f"the host {failure.host} cannot be resolved"
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {**signed_headers(hook.secret, body, str(delivery.id)), **request.headers}
    try:
        with httpx.Client(timeout=WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client:
            answer = client.post(request.url, content=body, headers=headers, extensions=request.extensions)
    except httpx.HTTPError as failure:
        delivery.last_status_code = None
        return type(failure).__name__
    delivery.last_status_code = answer.status_code
    return None if answer.is_success else f"HTTP {answer.status_code}"


def _refuse(delivery: WebhookDelivery, url: str, host: str) -> None:
    delivery.status, delivery.last_status_code = WEBHOOK_FAILED, None
    delivery.last_error = f"refused: {host} resolves to a private or reserved address"[:MAX_ERROR]
    record_event("registration_webhook_refused", details={
        "delivery_id": str(delivery.id), "registration_id": str(delivery.registration_id), "url": url})


def signed_headers(secret: str, body: bytes, delivery_id: str, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {"Content-Type": "application/json", EVENT_HEADER: WEBHOOK_EVENT, TIMESTAMP_HEADER: timestamp,
            DELIVERY_HEADER: delivery_id, SIGNATURE_HEADER: f"sha256={signature(secret, timestamp, body)}",
            "User-Agent": "Motcua-Webhook/1"}


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
