"""What a citizen meant by the text they wrote to the OA. Pure functions: no database, no Flask.

Citizens type on phones: with or without Vietnamese diacritics (Telex/VNI off), in any case, with extra
spaces, and they copy dossier codes from the receipt slip with dots and dashes, sometimes with spaces around
them. Everything is compared after `fold` (text) or `code_key` (dossier codes), never as typed.
"""

import re
from dataclasses import dataclass

from platform_core.text import code_key, fold

LOOKUP, BAD_CODE, MENU, PROCEDURE, FALLBACK = "lookup", "bad_code", "menu", "procedure", "fallback"
MINE = "mine"  # "hồ sơ của tôi": the citizen's own dossiers, found by the phone they shared

# Dossier codes are opaque per tenant (docs/domain.md §1.5): only their letters and digits are compared.
MIN_CODE_CHARS, MAX_CODE_CHARS, MIN_CODE_DIGITS = 8, 60, 5
SEPARATORS = ".-_/"
_SEPARATOR_CLASS = "[" + re.escape(SEPARATORS) + "]"
_CODE_TOKEN = re.compile(rf"^[0-9a-z](?:[0-9a-z]|{_SEPARATOR_CLASS})*$")
_SPACED_SEPARATOR = re.compile(rf"\s*({_SEPARATOR_CLASS})\s*")
_EDGE_PUNCTUATION = "\"'“”‘’()[]{}<>,;:!?…" + SEPARATORS
# Numbers citizens write in sentences that are not codes: dates (15/07/2025) and amounts (10.000.000).
_NOT_A_CODE = re.compile(r"^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,3}(?:[.,]\d{3})+)$")

MENU_WORDS = ("huong dan", "help", "menu", "tro giup", "ho tro")
LOOKUP_WORDS = {"tra", "cuu", "tracuu", "kiem", "xem", "ma", "so", "ho", "hs", "cua", "toi"}
_MINE = re.compile(r"^(?:(?:xem|tra cuu|kiem tra)\s+)?(?:cac\s+)?ho so cua (?:toi|minh|em)$")
_PROCEDURE = re.compile(r"^(?:(?:tim|tim kiem|tra cuu|xem)\s+)?thu tuc(?:\s+hanh chinh)?\b")


@dataclass(frozen=True)
class Intent:
    """`kind` is one of the constants above; `value` is the dossier code or the procedure name typed."""

    kind: str
    value: str = ""


def parse(text: str) -> Intent:
    folded = fold(text or "").lstrip("#").strip()
    bare = folded.strip(_EDGE_PUNCTUATION + " ")
    procedure = _PROCEDURE.match(bare)
    if procedure:
        return Intent(PROCEDURE, _procedure_name(text, procedure.group(0)))
    code = find_code(folded)
    if code:
        return Intent(LOOKUP, code)
    if _MINE.match(bare):
        return Intent(MINE)
    if bare.startswith(MENU_WORDS) or folded == "?":
        return Intent(MENU)
    if _starts_with_lookup(bare):
        return Intent(BAD_CODE, _attempted_code(bare))
    return Intent(FALLBACK)


def find_code(folded: str) -> str | None:
    """The dossier code in already-folded text, upper-cased for display, or None.

    The whole message after "tra cứu"-like words may be the code with spaces around its separators
    ("H15.50.05 - 250715 - 0001"); otherwise the first code-like word of a sentence is taken."""
    rest = _without_lookup_words(folded)
    joined = _SPACED_SEPARATOR.sub(r"\1", rest).strip(_EDGE_PUNCTUATION + " ")
    if all(_has_digit(part) for part in joined.split()) and looks_like_code(joined.replace(" ", "")):
        return joined.upper()
    for word in folded.split():
        token = word.strip(_EDGE_PUNCTUATION)
        if looks_like_code(token):
            return token.upper()
    return None


def looks_like_code(token: str) -> bool:
    """Letters and digits with dots/dashes, long enough and with enough digits not to be a word or a year."""
    if not _CODE_TOKEN.match(token) or _NOT_A_CODE.match(token):
        return False
    key = code_key(token)
    return MIN_CODE_CHARS <= len(key) <= MAX_CODE_CHARS and sum(char.isdigit() for char in key) >= MIN_CODE_DIGITS


def _attempted_code(folded: str) -> str:
    """What stood where the code should be, if it was one word ("tra cứu abc"); a question is not echoed."""
    rest = _without_lookup_words(folded)
    return rest.upper() if rest and " " not in rest else ""


def _has_digit(part: str) -> bool:
    return any(char.isdigit() for char in part)


def _starts_with_lookup(folded: str) -> bool:
    return folded.startswith(("tra cuu", "tracuu", "kiem tra", "ma ho so", "ho so"))


def _without_lookup_words(folded: str) -> str:
    words = folded.split()
    while words and words[0].strip(":#") in LOOKUP_WORDS:
        words.pop(0)
    return " ".join(words).lstrip(":#- ")


def _procedure_name(text: str, folded_prefix: str) -> str:
    """The name as the citizen typed it (diacritics kept for the answer), without the command words."""
    words = text.lstrip("# ").split()
    return " ".join(words[len(folded_prefix.split()):]).strip(_EDGE_PUNCTUATION + " ")
