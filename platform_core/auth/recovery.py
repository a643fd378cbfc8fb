"""Recovery codes: ten one-time codes that stand in for a TOTP code when the phone is lost.

Each code carries 80 random bits (16 characters of Crockford's base32), so a fast salted hash (SHA-256 over
the user's id and the code) is enough at rest: guessing one from its hash is as hard as guessing the code,
and a slow hash would cost seconds at every sign-in that checks ten of them. Codes are shown once, when
generated; a new set replaces the old one.
"""

import hashlib
import hmac
import re
import secrets

from sqlalchemy import delete, func, select, update

from platform_core.audit.service import record_event
from platform_core.auth.models import RecoveryCode, User
from platform_core.db.types import utcnow
from platform_core.extensions import db

CODE_COUNT = 10
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford's base32: no i, l, o, u
GROUPS, GROUP_LENGTH = 4, 4
# Shape check only (what the sign-in form accepts as "a recovery code" rather than a TOTP code).
CODE_PATTERN = re.compile(r"^[0-9a-z]{4}(?:[\s-]?[0-9a-z]{4}){3}$", re.IGNORECASE)
_LOOKALIKES = str.maketrans({"i": "1", "l": "1", "o": "0"})


def generate(user: User, actor=None) -> list[str]:
    """A new set for `user`, replacing any earlier codes; returns the codes, the only time they exist in clear."""
    db.session.execute(
        delete(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    codes = ["-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
             for _ in range(CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(user, code)) for code in codes)
    record_event("recovery_codes_generated", actor=actor or user, target=user, platform=True,
                 details={"count": CODE_COUNT})
    return codes


def looks_like_a_code(text: str | None) -> bool:
    return bool(CODE_PATTERN.match((text or "").strip()))


def use(user: User, text: str) -> int | None:
    """Spend one code: the number of codes left, or None when `text` is not an unused code of `user`.

    The row is consumed with a conditional UPDATE, so the same code submitted twice at once works once.
    """
    code_hash = _hash(user, text)
    spent = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == code_hash, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        record_event("recovery_code_failed", target=user, platform=True)
        return None
    left = remaining(user)
    record_event("recovery_code_used", actor=user, target=user, platform=True, details={"remaining": left})
    return left


def remaining(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def normalise(text: str | None) -> str:
    """What the user typed, as generated: lower case, no spaces or hyphens, lookalike letters read as digits."""
    raw = re.sub(r"[\s-]", "", (text or "").lower()).translate(_LOOKALIKES)
    return "-".join(raw[i:i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def _hash(user: User, text: str) -> str:
    salted = f"{user.id}:{normalise(text)}".encode()
    return hmac.new(b"motcua.recovery-code", salted, hashlib.sha256).hexdigest()
