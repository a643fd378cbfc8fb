"""The catalogues: every UI string has a Vietnamese translation, with its placeholders intact.

Strings are extracted from the source exactly as `pybabel extract -F babel.cfg -k _l -k lazy_gettext` does,
so a string added without a translation is caught here rather than by a citizen.
"""

import re
import warnings
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from platform_core.config import REPO_ROOT
from tests.web.catalogues import TRANSLATIONS

KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# Files whose strings must be translated before they are committed; anything else only warns, so that a
# feature in progress elsewhere in the tree is not blocked on the catalogue.
STRICT = re.compile(r"^platform_core/(templates/|auth/|web/|[a-z_]+/constants\.py$)")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _extracted() -> dict[str, set[str]]:
    """msgid (singular) -> the files it comes from."""
    with (REPO_ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(REPO_ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault(msgid, set()).add(Path(filename).as_posix())
    return found


def _catalogue(lang: str):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=lang)


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and not message.fuzzy


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_ui_string_is_translated(lang):
    catalogue = _catalogue(lang)
    missing = {msgid: files for msgid, files in _extracted().items()
               if catalogue.get(msgid) is None or not _translated(catalogue.get(msgid))}
    strict = sorted(msgid for msgid, files in missing.items() if any(STRICT.match(f) for f in files))
    assert strict == [], f"untranslated in {lang}: update the catalogue (see babel.cfg)"
    if missing:
        warnings.warn(f"{len(missing)} strings not yet in the {lang} catalogue: {sorted(missing)[:5]}",
                      stacklevel=1)


def test_lazy_labels_from_constants_are_in_the_catalogue():
    vi = _catalogue("vi")
    assert vi.get("Province administrator").string == "Quản trị viên tỉnh"
    assert vi.get("Live").string == "Đang hoạt động"
    assert vi.get("Centrally-run city").string == "Thành phố trực thuộc trung ương"


def test_vietnamese_keeps_every_placeholder():
    for message in _catalogue("vi"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == expected, message.id


def test_vietnamese_is_written_with_diacritics():
    """A guard against a catalogue typed without Vietnamese input (\"Dang nhap\")."""
    vi = _catalogue("vi")
    for msgid in ("Sign in", "Password", "Verification code", "Sign out"):
        assert re.search(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]",
                         vi.get(msgid).string), msgid
    assert vi.get("Sign in").string == "Đăng nhập"
    assert vi.get("Password").string == "Mật khẩu"
    assert vi.get("Verification code").string == "Mã xác thực"


def test_no_vietnamese_string_is_the_english_one_copied():
    """`update_catalogues.py` may leave the English as the "translation" (it counts as done for --check): a
    sentence whose Vietnamese is its own English was never translated (the results page's host hint was)."""
    copied = [message.id for message in _catalogue("vi") if isinstance(message.id, str) and
              message.string == message.id and len(re.findall(r"[A-Za-z]{2,}", message.id)) >= 3]
    assert copied == []


def test_templates_have_nothing_the_content_security_policy_would_block():
    """CSP is default-src 'self': no inline scripts (same-origin <script src> is fine), style attributes or
    <style> blocks, no CDN."""
    for template in (REPO_ROOT / "platform_core" / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=|https?://", text), template.name
