"""Result files at rest: one Fernet token per file (the app's keyring, db/crypto.py) in `<instance>/results/`,
created 0600 in a 0700 folder (private_files.py). Named by the result's id, which is unique across provinces,
so a merge that moves the row keeps its file.

A file follows its row's transaction: it is written once the row is flushed and removed again if that
transaction rolls back; a replaced or expired file is unlinked only once its row's removal is committed
(db/after_commit.py). A process killed between the write and the commit can still leave a file without a row:
the nightly purge sweeps those (`sweep_orphans`).
"""

import logging
import os
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from cryptography.fernet import InvalidToken
from flask import current_app

from platform_core.db import crypto
from platform_core.db.after_commit import after_commit, after_rollback
from platform_core.extensions import db
from platform_core.private_files import open_private, private_dir

SUFFIX = ".bin"
logger = logging.getLogger(__name__)
PARTIAL_SUFFIX = ".rotating"  # a re-encrypted copy being written (rotate_all), renamed over the file when complete


def folder() -> Path:
    return private_dir(Path(current_app.instance_path) / "results")


def path_of(result_id: uuid.UUID) -> Path:
    return folder() / f"{result_id.hex}{SUFFIX}"


def write(result_id: uuid.UUID, content: bytes) -> None:
    """Encrypt and write (0600 from its creation, never written first and narrowed after); the file goes again if
    the session's transaction rolls back. Call it after the row is flushed, so a refused row writes nothing."""
    path = path_of(result_id)
    after_rollback(db.session, lambda: path.unlink(missing_ok=True))
    _write_whole(path, crypto.keyring().encrypt_bytes(content))


def read(result_id: uuid.UUID) -> bytes:
    """The decrypted bytes; FileNotFoundError when the file was removed."""
    return crypto.keyring().decrypt_bytes(path_of(result_id).read_bytes())


def exists(result_id: uuid.UUID) -> bool:
    return path_of(result_id).exists()


def remove(result_id: uuid.UUID) -> bool:
    """Unlink now; True when a file was there."""
    try:
        path_of(result_id).unlink()
    except FileNotFoundError:
        return False
    return True


def remove_after_commit(result_id: uuid.UUID) -> None:
    """Unlink once the session's transaction commits: a rolled-back replacement keeps the file its row names."""
    path = path_of(result_id)
    after_commit(db.session, lambda: path.unlink(missing_ok=True))


def rotate_all(keyring: crypto.Keyring) -> int:
    """Re-encrypt under the newest key every file another key sealed (`flask keys rotate`, db/rotation.py); returns
    how many. One file at a time in memory (each is at most the 5 MB Zalo takes); each is replaced atomically, so
    a reader sees the old token or the new one, never half a file. A file no configured key opens is logged and
    left as it is: it is unreadable already, and must not stop the others."""
    rotated = 0
    for path in sorted(folder().glob(f"*{SUFFIX}")):
        try:
            fresh = keyring.rotate_bytes(path.read_bytes())
        except FileNotFoundError:  # removed since the listing (replaced, purged)
            continue
        except InvalidToken:
            logger.warning("result file %s opens with none of the configured keys: not re-encrypted", path.name)
            continue
        if fresh is not None and _replace(path, fresh):
            rotated += 1
    return rotated


def sweep_orphans(known: Iterable[uuid.UUID], older_than: datetime) -> int:
    """Remove the files (and abandoned partial copies) modified before `older_than` that name no result in `known`
    (every province's results, removed ones included); returns how many. Younger files are left alone: their
    transaction may still be open."""
    names = {f"{result_id.hex}{SUFFIX}" for result_id in known}
    swept = 0
    for path in folder().iterdir():
        if path.name in names or not path.name.endswith((SUFFIX, PARTIAL_SUFFIX)):
            continue
        try:
            if path.stat().st_mtime < older_than.timestamp():
                path.unlink()
                swept += 1
        except FileNotFoundError:
            continue
    return swept


def _replace(path: Path, sealed: bytes) -> bool:
    """Write `sealed` beside `path`, flush it to disk, rename it over `path`; False (nothing left behind) when
    `path` was removed meanwhile, so a removed result's file is not brought back."""
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    _write_whole(partial, sealed)
    if not path.exists():
        partial.unlink(missing_ok=True)
        return False
    os.replace(partial, path)
    return True


def _write_whole(path: Path, data: bytes) -> None:
    with open_private(path, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
