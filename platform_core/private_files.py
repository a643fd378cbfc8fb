"""Files only this service's user may read: the instance folder holds the SQLite database, the generated keys and
Redis's state. Created 0600 (folders 0700) from the start, never written first and narrowed after, so there is
no moment another local user could open them."""

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """`path` and its missing parents created 0700; a folder we made earlier and left open is narrowed."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    path.chmod(DIR_MODE)
    return path


def create_private_file(path: Path, text: str = "") -> bool:
    """Create `path` 0600 holding `text`; False (and nothing written) when it exists already."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    with os.fdopen(descriptor, "w") as file:
        file.write(text)
    return True


def open_private(path: Path, mode: str = "w"):
    """`open(path, mode)`, creating the file 0600 when it does not exist."""
    return open(path, mode, opener=lambda name, flags: os.open(name, flags, FILE_MODE))  # noqa: SIM115 - the caller closes it
