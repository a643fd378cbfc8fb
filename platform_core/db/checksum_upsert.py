"""Write rows from source files by key, rewriting a row only when the checksum of its source changed.

Used by `flask tenants sync` for provinces and procedures: a second sync of unchanged files touches nothing
(and leaves local edits alone), and the counts say what happened.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from platform_core.db import db


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def upsert_by_checksum(model, existing: dict, records: Iterable[tuple[str, dict]], columns: Callable[[dict], dict],
                       checksum: Callable[[dict], str], on_update: Callable[[object], None] | None = None) -> Counts:
    """`existing` maps key -> row; `records` yields (key, source record); `columns` turns a record into
    column values. New keys are inserted, changed sources rewritten, unchanged ones left alone."""
    counts = Counts()
    for key, record in records:
        source_checksum = checksum(record)
        row = existing.get(key)
        if row is None:
            db.session.add(model(**columns(record), source_checksum=source_checksum))
            counts.created += 1
        elif row.source_checksum == source_checksum:
            counts.unchanged += 1
        else:
            for column, value in columns(record).items():
                setattr(row, column, value)
            row.source_checksum = source_checksum
            if on_update:
                on_update(row)
            counts.updated += 1
    db.session.flush()
    return counts


def checksum(data) -> str:
    """SHA-256 of loaded (normalised) content: equal data, equal checksum, however the YAML (or request) was
    written."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
