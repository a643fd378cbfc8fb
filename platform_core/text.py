"""Comparing what people type on phones: Vietnamese with or without diacritics, any case, odd dashes."""

import re
import unicodedata

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))  # phones autocorrect "-"


def fold(text: str) -> str:
    """Lower case, no diacritics (đ included: it does not decompose), plain dashes, single spaces, trimmed."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_DASHES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.replace("đ", "d").split())


def capitalized(text: str) -> str:
    """The first letter upper case, the rest as written: "tỉnh Bắc Ninh đã nhận…" starts a sentence."""
    return text[:1].upper() + text[1:]


def by_name(row) -> str:
    """Alphabetical as a Vietnamese reader expects (Cà Mau before Cao Bằng), not by code point."""
    return fold(row.name)


def code_key(code: str) -> str:
    """The form in which typed and stored dossier codes are compared (codes are opaque per province, docs/domain.md
    §1.5): folded letters and digits only, so "000.00.24.H04-251128-0001" matches "00000 24 h04 2511280001"."""
    return re.sub(r"[^0-9a-z]", "", fold(code))


def fit(text: str, limit: int) -> str:
    """Cut to Zalo's limit, marking the cut, instead of letting Zalo refuse the whole message."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
