"""Masking free text that may quote a citizen before the operator console shows it.

Exception messages, Zalo errors and checklist notes are written by code, but code quotes its inputs: a phone
number, a Zalo user id, a dossier code, an e-mail address, a name in quotes. Operators must not read those,
so every free-text value the console shows passes through `redact`. It is a safety net with known limits
(an unquoted name cannot be told from other words); the console's own queries select aggregates only.
"""

import re

MASK = "•••"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|“[^”\n]*”")
_SPACED_NUMBER = re.compile(r"\+?\d(?:[ .\-]?\d){7,}")  # +84 912 345 678, 0912.345.678
_WORD = re.compile(r"\S+")
DIGITS_IN_AN_IDENTIFIER = 6  # phones, Zalo user ids, dossier codes (H15.50.05.13-260715-0001), UUIDs
MAX_LENGTH = 300


def redact(text: str | None) -> str:
    if not text:
        return ""
    text = text[:MAX_LENGTH]
    for pattern in (_EMAIL, _QUOTED, _SPACED_NUMBER):
        text = pattern.sub(MASK, text)
    return _WORD.sub(_mask_identifier, text)


def _mask_identifier(match: re.Match) -> str:
    word = match.group(0)
    return MASK if sum(ch.isdigit() for ch in word) >= DIGITS_IN_AN_IDENTIFIER else word


def last_line(text: str | None) -> str:
    """The last non-empty line of a traceback: the exception's type and message."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""
