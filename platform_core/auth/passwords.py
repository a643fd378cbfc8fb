"""Password hashing (Argon2id, argon2-cffi defaults) and the password policy."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from platform_core.auth.constants import MIN_PASSWORD_LENGTH

_hasher = PasswordHasher()

COMMON_PASSWORDS = frozenset(
    {"123456789012", "password1234", "matkhau12345", "qwertyuiop12", "admin1234567", "111111111111"}
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


TOO_SHORT, TOO_COMMON, CONTAINS_EMAIL = "too_short", "too_common", "contains_email"
# For the command line and logs; forms show translated texts for the same codes (auth/forms.py).
PROBLEM_TEXTS = {
    TOO_SHORT: f"at least {MIN_PASSWORD_LENGTH} characters",
    TOO_COMMON: "too common",
    CONTAINS_EMAIL: "must not contain the e-mail address's name",
}
# A shorter e-mail name ("an@...") would refuse too many good passwords for too little gain.
MIN_EMAIL_NAME_CHECKED = 3


def password_problems(password: str, email: str | None = None) -> list[str]:
    """What is wrong with a new password, as codes (PROBLEM_TEXTS); empty when it is acceptable.

    A password that contains the part of the user's e-mail before the @ is the first thing an attacker who
    knows the address tries.
    """
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(TOO_SHORT)
    if password.lower() in COMMON_PASSWORDS:
        problems.append(TOO_COMMON)
    name = (email or "").partition("@")[0].strip().lower()
    if len(name) >= MIN_EMAIL_NAME_CHECKED and name in password.lower():
        problems.append(CONTAINS_EMAIL)
    return problems
