"""`flask keys rotate`: re-encrypt every EncryptedText value under the newest key in ENCRYPTION_KEYS, and the
encrypted files features keep (registered in platform_core/wiring.py: result files, results/storage.py).

Put the new key first in ENCRYPTION_KEYS (keep the old ones after it), deploy, run this, then drop the old
keys. Values are read and written raw (never decrypted into Python strings here), across all tenants through
the audited cross-tenant helper.
"""

from collections.abc import Callable

from sqlalchemy import Text, select, type_coerce, update

from platform_core.db import crypto, db
from platform_core.db.base import Base
from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.types import EncryptedText

FileRotation = Callable[[crypto.Keyring], int]  # re-encrypts a feature's files, returns how many it rewrote
_file_rotations: dict[str, FileRotation] = {}


def register_files(name: str, rotate: FileRotation) -> None:
    _file_rotations[name] = rotate


def encrypted_columns():
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                yield table, column


def rotate_all(batch_size: int = 500) -> dict[str, int]:
    keyring = crypto.keyring()
    counts: dict[str, int] = {}
    with cross_tenant("encryption key rotation"):
        for table, column in encrypted_columns():
            counts[f"{table.name}.{column.name}"] = _rotate_column(keyring, table, column, batch_size)
        db.session.commit()
    for name, rotate in _file_rotations.items():
        counts[name] = rotate(keyring)
    return counts


def _rotate_column(keyring, table, column, batch_size: int) -> int:
    key_columns = list(table.primary_key.columns)
    raw = type_coerce(column, Text)
    rows = db.session.execute(select(*key_columns, raw.label("value")).where(column.is_not(None))).all()
    rotated = 0
    for row in rows:
        if not keyring.needs_rotation(row.value):
            continue
        condition = [key == row._mapping[key.name] for key in key_columns]
        db.session.execute(
            update(table).where(*condition).values({column.name: type_coerce(keyring.rotate(row.value), Text)})
        )
        rotated += 1
        if rotated % batch_size == 0:
            db.session.flush()
    return rotated
