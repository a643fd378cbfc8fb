"""Secrets at rest: a MultiFernet keyring built from ENCRYPTION_KEYS (comma-separated, newest first).

Stored values look like `<key fingerprint>:<fernet token>`, so the rows still under an old key can be found
in SQL before that key is retired (`flask keys rotate`, added with the Zalo connection).
"""

import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class KeyringNotConfigured(RuntimeError):
    pass


class Keyring:
    def __init__(self, keys: list[str]):
        if not keys:
            raise KeyringNotConfigured("ENCRYPTION_KEYS is empty")
        self._fernets = [Fernet(key.encode()) for key in keys]
        self._multi = MultiFernet(self._fernets)
        self.current_fingerprint = fingerprint(keys[0])

    def encrypt(self, plaintext: str) -> str:
        return f"{self.current_fingerprint}:{self._multi.encrypt(plaintext.encode()).decode()}"

    def needs_rotation(self, stored: str) -> bool:
        return not stored.startswith(f"{self.current_fingerprint}:")

    def rotate(self, stored: str) -> str:
        """Re-encrypt a stored value under the newest key (MultiFernet.rotate keeps the plaintext unseen)."""
        _, _, token = stored.partition(":")
        return f"{self.current_fingerprint}:{self._multi.rotate(token.encode()).decode()}"

    def encrypt_bytes(self, content: bytes) -> bytes:
        """A file's bytes as one Fernet token under the newest key (files at rest: results/storage.py)."""
        return self._multi.encrypt(content)

    def rotate_bytes(self, token: bytes) -> bytes | None:
        """A file's token re-encrypted under the newest key, or None when that key sealed it already (a file's
        token carries no fingerprint: the newest key is tried alone first)."""
        try:
            self._fernets[0].decrypt(token)
        except InvalidToken:
            return self._multi.rotate(token)
        return None

    def decrypt_bytes(self, token: bytes) -> bytes:
        """Any configured key opens it, so a file written before a key rotation still reads."""
        try:
            return self._multi.decrypt(token)
        except InvalidToken as error:
            raise InvalidToken("stored file cannot be decrypted with any configured key") from error

    def decrypt(self, stored: str) -> str:
        _, _, token = stored.partition(":")
        try:
            return self._multi.decrypt(token.encode()).decode()
        except InvalidToken as error:
            raise InvalidToken("stored secret cannot be decrypted with any configured key") from error


def fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:8]


_keyring: Keyring | None = None


def configure(keys: list[str]) -> None:
    global _keyring
    _keyring = Keyring(keys)


def keyring() -> Keyring:
    if _keyring is None:
        raise KeyringNotConfigured("encryption keys are not configured (create_app does it)")
    return _keyring
