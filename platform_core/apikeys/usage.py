"""Cheap API-key checks: a short per-process cache of keys found valid, and their use noted in Redis and written
to the database in batches.

- A key checked against the database, with its province served, is trusted for KEY_CACHE_SECONDS in that
  process, province included: the request enters the province from the cache, without reading its row.
  Revoking drops the key from the revoking process's cache at once; every other process stops accepting it
  within KEY_CACHE_SECONDS (the cache is never refreshed, only re-checked), so a revocation, or a province
  suspended or merged, takes effect everywhere within 5 seconds.
- A use is noted in one Redis hash (field "tenant:key", value the Unix time), at most once per key and process
  every NOTE_EVERY_SECONDS; `write_last_used` (a periodic job) takes the hash away atomically and sets each
  key's `last_used_at`. The console's "last used" is therefore up to a minute or so behind.
"""

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import redis
from sqlalchemy import or_, update

from platform_core.apikeys.models import ApiKey
from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.tenant_context import TenantRef
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis

log = logging.getLogger(__name__)
KEY_CACHE_SECONDS = 5.0
NOTE_EVERY_SECONDS = 10.0
USED_HASH = "motcua:apikeys:used"


@dataclass
class KnownKey:
    """What a request needs of a valid key (the views read `kind`) and of its province, served when checked."""

    id: uuid.UUID
    tenant: TenantRef
    kind: str
    checked_at: float
    noted_at: float = field(default=float("-inf"))

    @property
    def tenant_id(self) -> uuid.UUID:
        return self.tenant.id


_known: dict[str, KnownKey] = {}
_lock = threading.Lock()


def cached(digest: str, tenant_id: uuid.UUID) -> KnownKey | None:
    known = _known.get(digest)
    if known is None or known.tenant_id != tenant_id or time.monotonic() - known.checked_at > KEY_CACHE_SECONDS:
        return None
    return known


def remember(digest: str, key: ApiKey, tenant: TenantRef) -> KnownKey:
    known = KnownKey(key.id, tenant, key.kind, time.monotonic())
    with _lock:
        _known[digest] = known
    return known


def forget(digest: str) -> None:
    with _lock:
        _known.pop(digest, None)


def note_use(known: KnownKey) -> None:
    """One HSET now and then, never a database write; Redis being down costs the note, not the request."""
    now = time.monotonic()
    if now - known.noted_at < NOTE_EVERY_SECONDS:
        return
    known.noted_at = now
    try:
        get_redis().hset(USED_HASH, f"{known.tenant_id}:{known.id}", int(time.time()))
    except redis.RedisError as error:
        log.warning("api keys: could not note a key's use: %s", error)


def write_last_used() -> int:
    """Take the noted uses (atomically: uses noted meanwhile wait for the next run) and set `last_used_at` on
    each key, never moving it back; returns the keys updated."""
    pipeline = get_redis().pipeline(transaction=True)
    pipeline.hgetall(USED_HASH)
    pipeline.delete(USED_HASH)
    noted, _ = pipeline.execute()
    with cross_tenant("api keys: record when each was last used", audit=False):
        for member, stamp in noted.items():
            tenant_id, _, key_id = member.decode().partition(":")
            used_at = datetime.fromtimestamp(int(stamp), UTC)
            db.session.execute(update(ApiKey).where(
                ApiKey.tenant_id == uuid.UUID(tenant_id), ApiKey.id == uuid.UUID(key_id),
                or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < used_at)).values(last_used_at=used_at))
        db.session.commit()
    return len(noted)
