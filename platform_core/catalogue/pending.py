"""Checked uploads waiting for their confirmation, kept server-side so that what is applied is what was
checked on the server, never what a browser posts back.

One Redis key per upload, named by the tenant's id and a random token and expiring after
PENDING_IMPORT_SECONDS; the entry also names the person who uploaded it. A token from another tenant (or
another person) finds nothing, so the confirmation cannot reach another tenant's upload.
"""

import json
import re
import secrets
from dataclasses import dataclass

from platform_core.catalogue.constants import PENDING_IMPORT_SECONDS
from platform_core.catalogue.importer import CheckedRow
from platform_core.db.tenant_context import require_tenant
from platform_core.jobs.connection import get_redis

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


@dataclass
class PendingImport:
    token: str
    filename: str
    digest: str  # of the previewed plan (importer.Plan.digest)
    rows: list[CheckedRow]


def _key(token: str) -> str:
    return f"motcua:catalogue-import:{require_tenant().id}:{token}"


def keep(rows: list[CheckedRow], digest: str, filename: str, user_id) -> str:
    """Store the checked rows for the tenant in context; returns the token the confirmation form carries."""
    token = secrets.token_urlsafe(24)
    entry = {"user_id": str(user_id), "filename": filename, "digest": digest,
             "rows": [[row.row, row.code, row.values] for row in rows]}
    get_redis().set(_key(token), json.dumps(entry, ensure_ascii=False), ex=PENDING_IMPORT_SECONDS)
    return token


def find(token: str, user_id) -> PendingImport | None:
    """The tenant-in-context's upload `token` by this user; None when unknown, expired, or someone else's."""
    if not _TOKEN.match(token or ""):
        return None
    raw = get_redis().get(_key(token))
    if raw is None:
        return None
    entry = json.loads(raw)
    if entry["user_id"] != str(user_id):
        return None
    rows = [CheckedRow(row, code, values) for row, code, values in entry["rows"]]
    return PendingImport(token, entry["filename"], entry["digest"], rows)


def discard(token: str) -> None:
    get_redis().delete(_key(token))
