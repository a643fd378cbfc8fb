"""instance/demo-credentials.json: the demo logins and API keys, kept because a key is shown only once.

Readable by the owner only (0600) and written atomically, so an interrupted run never leaves half a file.
An unreadable or foreign file counts as empty: the demo then issues fresh keys.
"""

import json
import os
from pathlib import Path

FILE_NAME = "demo-credentials.json"


def credentials_path(instance_path) -> Path:
    return Path(instance_path) / FILE_NAME


def read_stored_keys(path: Path) -> dict[str, str]:
    """{slug: api key} from a previous run, or {} when there is no usable file."""
    try:
        provinces = json.loads(path.read_text(encoding="utf-8")).get("provinces", {})
        return {slug: entry["api_key"] for slug, entry in provinces.items() if isinstance(entry.get("api_key"), str)}
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def write_credentials(path: Path, content: dict) -> None:
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(content, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    os.chmod(temporary, 0o600)  # os.open's mode applies only when it creates the file
    os.replace(temporary, path)
