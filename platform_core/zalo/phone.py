"""Vietnamese mobile numbers: `84XXXXXXXXX` for ZNS, E.164 `+84XXXXXXXXX` for storage, masked for logs.

ZNS accepts `84…`, `0…` or no leading 0 (docs/zalo-oa.md §3, error -108), but `84…` is the one form every
source agrees on, so the client always sends that. A Vietnamese mobile number has a 9-digit national
number starting with 3, 5, 7, 8 or 9 (the `03/05/07/08/09` prefixes); `02x` numbers are landlines, which
have no Zalo account and cannot receive ZNS.
"""

import re

COUNTRY_CODE = "84"
NATIONAL_LENGTH = 9
MOBILE_FIRST_DIGITS = frozenset("35789")
LANDLINE_FIRST_DIGIT = "2"
SEPARATORS = re.compile(r"[\s.\-()]")


class PhoneError(ValueError):
    """The number cannot be a Vietnamese mobile number; `reason` says why, in plain words."""

    def __init__(self, raw: str, reason: str):
        super().__init__(f"{mask(raw)}: {reason}")
        self.reason = reason


def to_zns(raw: str) -> str:
    """`0912 345 678`, `+84912345678`, `84.912.345.678` -> `84912345678`."""
    return COUNTRY_CODE + national_number(raw)


def to_e164(raw: str) -> str:
    """The storage form: `+84912345678`."""
    return "+" + to_zns(raw)


def is_mobile(raw: str) -> bool:
    try:
        national_number(raw)
    except PhoneError:
        return False
    return True


def national_number(raw: str) -> str:
    """The 9 digits after the country code, or PhoneError with the reason."""
    digits = _digits(raw)
    national = _strip_prefix(digits)
    if national.startswith(LANDLINE_FIRST_DIGIT):
        raise PhoneError(raw, "a landline (02x) number cannot receive Zalo messages")
    if len(national) < NATIONAL_LENGTH:
        raise PhoneError(raw, "too short for a Vietnamese mobile number")
    if len(national) > NATIONAL_LENGTH:
        raise PhoneError(raw, "too long for a Vietnamese mobile number")
    if national[0] not in MOBILE_FIRST_DIGITS:
        raise PhoneError(raw, "not a Vietnamese mobile prefix (03, 05, 07, 08, 09)")
    return national


def mask(phone: str | None) -> str:
    """`84912345678` -> `84912***678`: enough to tell numbers apart in a log, not enough to call one."""
    text = str(phone or "")
    if len(text) < 9:
        return "***"
    return f"{text[:5]}***{text[-3:]}"


def _digits(raw: str) -> str:
    if not isinstance(raw, str | int):
        raise PhoneError("", "no phone number given")
    text = SEPARATORS.sub("", str(raw))
    if not text:
        raise PhoneError("", "no phone number given")
    international = text.startswith("+")
    body = text[1:] if international else text
    if not body.isascii() or not body.isdigit():
        raise PhoneError(text, "contains characters other than digits")
    if international and not body.startswith(COUNTRY_CODE):
        raise PhoneError(text, "not a Vietnamese (+84) number")
    return body


def _strip_prefix(digits: str) -> str:
    """Drop the trunk 0 or the 84 country code (with a stray 0 after it, as in `+84 (0)912…`)."""
    if digits.startswith("0"):
        return digits[1:]
    if digits.startswith(COUNTRY_CODE) and len(digits) > NATIONAL_LENGTH:
        national = digits[len(COUNTRY_CODE):]
        return national[1:] if national.startswith("0") else national
    return digits
