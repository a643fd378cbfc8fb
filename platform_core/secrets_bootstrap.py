"""SECRET_KEY and ENCRYPTION_KEYS: required in production; generated once per instance folder elsewhere."""

import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from platform_core.private_files import create_private_file


class MissingProductionSecret(RuntimeError):
    pass


def _instance_secret(path: Path, make) -> str:
    create_private_file(path, make())  # a second process starting at once keeps the first one's key
    return path.read_text().strip()


def resolve_secrets(config: dict, instance_path: Path) -> None:
    if config["PRODUCTION"]:
        missing = [name for name in ("SECRET_KEY", "ENCRYPTION_KEYS") if not config.get(name)]
        if missing:
            raise MissingProductionSecret(f"refusing to start in production without {', '.join(missing)}")
        return
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _instance_secret(instance_path / "secret_key", lambda: secrets.token_urlsafe(48))
    if not config.get("ENCRYPTION_KEYS"):
        key = _instance_secret(instance_path / "encryption_key", lambda: Fernet.generate_key().decode())
        config["ENCRYPTION_KEYS"] = [key]
