"""Secrets are encrypted at rest (Fernet, key fingerprint stored), and production refuses to start without keys."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from platform_core import create_app
from platform_core.db import crypto
from platform_core.secrets_bootstrap import MissingProductionSecret
from tests import factories


def test_totp_secret_is_stored_encrypted(db_session):
    user = factories.create_user("secret@example.vn")
    user.totp_secret = "JBSWY3DPEHPK3PXP"
    db_session.flush()
    raw = db_session.execute(text("select totp_secret from user_account where email = 'secret@example.vn'")).scalar()
    assert "JBSWY3DPEHPK3PXP" not in raw
    assert raw.startswith(crypto.keyring().current_fingerprint + ":")
    db_session.expire(user)
    assert user.totp_secret == "JBSWY3DPEHPK3PXP"


def test_old_key_still_decrypts_after_rotation():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = crypto.Keyring([old]).encrypt("refresh-token")
    assert crypto.Keyring([new, old]).decrypt(stored) == "refresh-token"


def test_production_refuses_to_start_without_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("ENCRYPTION_KEYS", raising=False)
    with pytest.raises(MissingProductionSecret, match="ENCRYPTION_KEYS"):
        create_app({"INSTANCE_PATH": str(tmp_path), "REDIS_URL": "redis://127.0.0.1:1/0"})
