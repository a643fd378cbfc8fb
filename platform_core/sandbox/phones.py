"""Vietnamese mobile numbers as ZNS takes them: `0…`, `84…`, `+84…` or without the leading 0 (docs/zalo-oa.md §3)."""

import hashlib
import re

_DIGITS = re.compile(r"\d+")


def normalise_phone(raw) -> str | None:
    """'84' + 9 national digits, or None when the input is not a Vietnamese mobile number (-108)."""
    if isinstance(raw, int):
        raw = str(raw)
    if not isinstance(raw, str):
        return None
    text = re.sub(r"[\s.\-()]", "", raw.strip())
    if text.startswith("+"):
        text = text[1:]
    if not _DIGITS.fullmatch(text or "x"):
        return None
    if text.startswith("84") and len(text) == 11:
        national = text[2:]
    elif text.startswith("0") and len(text) == 10:
        national = text[1:]
    elif len(text) == 9:
        national = text
    else:
        return None
    return "84" + national if national[0] in "35789" else None


def phone_hash(phone: str) -> str:
    """The sandbox hashes the normalised `84…` form (the real format is unconfirmed, docs/zalo-oa.md §8 item 2)."""
    return hashlib.sha256(phone.encode("ascii")).hexdigest()


def local_format(phone: str) -> str:
    """84912345678 -> 0912 345 678, for the phone view."""
    if not phone:
        return ""
    national = "0" + phone[2:] if phone.startswith("84") else phone
    return f"{national[:4]} {national[4:7]} {national[7:]}".strip()
