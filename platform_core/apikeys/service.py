"""Issuing, checking and revoking API keys.

A key reads `motcua_<kind>_<tenant id hex>_<secret>`: the prefix makes a leaked key recognisable to secret
scanners, the tenant part lets the API pick the tenant before any lookup (so authentication never needs a
cross-tenant query), and only a SHA-256 of the whole key is stored. The secret has 256 bits of entropy, so
a fast hash is the right tool here (passwords are the case for a slow one).

Checking a key costs no database work on most requests (usage.py): a key found valid, with its province served,
is trusted from a short per-process cache for KEY_CACHE_SECONDS (`trusted`), and its use is noted in Redis and
written to `last_used_at` by a periodic job, not by an UPDATE in every request.
"""

import hashlib
import hmac
import re
import secrets
import uuid

from sqlalchemy import select

from platform_core.apikeys import usage
from platform_core.apikeys.models import KINDS, ApiKey
from platform_core.audit.service import record_event
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db

KEY_PATTERN = re.compile(r"^motcua_(live|test)_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$")


class ApiKeyError(FieldError):
    """An API key request refused, with the field it concerns."""


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def create_key(name: str, kind: str = "live", actor=None) -> tuple[ApiKey, str]:
    """Create a key for the tenant in context. The plaintext is returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ApiKeyError("name", "give a name of 1 to 80 characters")
    if kind not in KINDS:
        raise ApiKeyError("kind", f"must be one of {', '.join(KINDS)}")
    tenant = require_tenant()
    plaintext = f"motcua_{kind}_{tenant.id.hex}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=name, kind=kind, display_prefix=plaintext[:24] + "…", secret_hash=hash_key(plaintext),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(key)
    db.session.flush()
    record_event("api_key_created", actor=actor, target=key, details={"name": name, "kind": kind})
    db.session.flush()
    return key, plaintext


def revoke_key(key: ApiKey, actor=None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        usage.forget(key.secret_hash)  # at once in this process; in the others within KEY_CACHE_SECONDS
        record_event("api_key_revoked", actor=actor, target=key, details={"name": key.name})
        db.session.flush()
    return key


def tenant_id_of(plaintext: str) -> uuid.UUID | None:
    match = KEY_PATTERN.match(plaintext or "")
    return uuid.UUID(match.group(2)) if match else None


def trusted(plaintext: str) -> usage.KnownKey | None:
    """The key, and its province, when both were found valid in the last KEY_CACHE_SECONDS (no tenant in
    context needed, no database work), or None; notes its use."""
    tenant_id = tenant_id_of(plaintext)
    known = usage.cached(hash_key(plaintext), tenant_id) if tenant_id else None
    if known is not None:
        usage.note_use(known)
    return known


def authenticate(plaintext: str) -> usage.KnownKey | None:
    """The unrevoked key of the tenant in context whose hash matches (from the cache when it was checked in
    the last KEY_CACHE_SECONDS), or None; notes its use. The caller has checked that the tenant is served."""
    digest = hash_key(plaintext)
    tenant = require_tenant()
    known = usage.cached(digest, tenant.id)
    if known is None:
        key = db.session.scalar(select(ApiKey).where(ApiKey.secret_hash == digest))
        if key is None or key.is_revoked or not hmac.compare_digest(key.secret_hash, digest):
            return None
        known = usage.remember(digest, key, tenant)
    usage.note_use(known)
    return known
