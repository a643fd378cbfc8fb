"""Result files at rest: one Fernet token per file (the app's keyring, db/crypto.py) in `<instance>/results/`,
created 0600 in a 0700 folder (private_files.py). Named by the result's id, which is unique across provinces,
so a merge that moves the row keeps its file."""

import os
import uuid
from pathlib import Path

from flask import current_app

from platform_core.db import crypto
from platform_core.private_files import FILE_MODE, private_dir


def folder() -> Path:
    return private_dir(Path(current_app.instance_path) / "results")


def path_of(result_id: uuid.UUID) -> Path:
    return folder() / f"{result_id.hex}.bin"


def write(result_id: uuid.UUID, content: bytes) -> None:
    """Encrypt and write; the file is 0600 from its creation (never written first and narrowed after)."""
    sealed = crypto.keyring().encrypt_bytes(content)
    descriptor = os.open(path_of(result_id), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        file.write(sealed)


def read(result_id: uuid.UUID) -> bytes:
    """The decrypted bytes; FileNotFoundError when the file was removed."""
    return crypto.keyring().decrypt_bytes(path_of(result_id).read_bytes())


def remove(result_id: uuid.UUID) -> bool:
    """True when a file was there."""
    try:
        path_of(result_id).unlink()
    except FileNotFoundError:
        return False
    return True
