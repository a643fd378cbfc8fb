"""The Vietnamese UI shows no English: the main pages of the province console, the operator console and the
public pages are rendered in vi, and none may contain an English msgid of the catalogue whose Vietnamese
differs (a string that bypassed `_()`, or was built outside the catalogue from a translated one's English)."""

import html
import re

import pytest
from babel.messages.pofile import read_po

from tests import factories
from tests.auth.support import add_membership, isolated_client, sign_in
from tests.web.catalogues import TRANSLATIONS

PROVINCE_PAGES = ("/bac-ninh/admin/", "/bac-ninh/admin/dossiers", "/bac-ninh/admin/audit",
                  "/bac-ninh/admin/deliveries/", "/bac-ninh/admin/api-keys/", "/bac-ninh/admin/broadcasts/",
                  "/bac-ninh/admin/broadcasts/new", "/bac-ninh/admin/citizens/", "/bac-ninh/admin/feedback/",
                  "/bac-ninh/admin/guest-list/", "/bac-ninh/admin/officials/", "/bac-ninh/admin/procedures/",
                  "/bac-ninh/admin/procedures/import", "/bac-ninh/admin/ratings/", "/bac-ninh/admin/reports/",
                  "/bac-ninh/admin/team/", "/bac-ninh/admin/templates/",
                  "/bac-ninh/admin/templates/supplement_required", "/bac-ninh/admin/ratings/zns",
                  "/bac-ninh/admin/zalo/")
OPERATOR_PAGES = ("/operator/", "/operator/go-live", "/operator/queues", "/operator/reports", "/operator/zalo",
                  "/operator/tenants/bac-ninh")
PUBLIC_PAGES = ("/", "/login", "/bac-ninh/", "/bac-ninh/phan-anh/")
MIN_LETTERS = 4  # "OK", "ID": too short to tell English from a shared term
_TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.DOTALL)


def english_msgids() -> list[str]:
    """Catalogue strings whose Vietnamese is not the same text, as they would show untranslated; names the
    Vietnamese strings use themselves are left out."""
    with (TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="vi")
    vietnamese = " ".join(str(message.string) for message in catalogue if message.id)
    found = []
    for message in catalogue:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple) else message.string
        if not msgid or msgid == string or sum(char.isalpha() for char in msgid) < MIN_LETTERS:
            continue
        # A placeholder stands for anything: only the fixed text before the first one is looked for.
        fixed = re.split(r"%\(\w+\)[sd]|%[sd]", msgid)[0].strip()
        if fixed in vietnamese:
            continue  # a name the Vietnamese uses too ("Zalo Official Account")
        if len(fixed.split()) >= 2 or (fixed == msgid and " " not in msgid and msgid[:1].isupper()):
            found.append(fixed)
    return found


def visible_text(page: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", page)).split())


def untranslated(client, paths) -> dict[str, list[str]]:
    msgids = english_msgids()
    problems = {}
    for path in paths:
        response = client.get(path + ("&" if "?" in path else "?") + "lang=vi")
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        shown = [msgid for msgid in msgids if re.search(rf"(?<![\w-]){re.escape(msgid)}(?![\w-])", text)]
        if shown:
            problems[path] = shown
    return problems


@pytest.fixture
def province_admin(app, tenant_a):
    user = factories.create_user("vi-admin@bac-ninh.vn")
    add_membership(user, tenant_a, "admin")
    client = isolated_client(app)
    assert sign_in(client, "vi-admin@bac-ninh.vn").status_code == 302
    return client


@pytest.fixture
def operator(app):
    factories.create_user("vi-ops@motcua.vn", operator=True)
    client = isolated_client(app)
    assert sign_in(client, "vi-ops@motcua.vn").status_code == 302
    return client


def test_the_province_console_in_vietnamese_shows_no_english(province_admin):
    assert untranslated(province_admin, PROVINCE_PAGES) == {}


def test_the_operator_console_in_vietnamese_shows_no_english(operator):
    assert untranslated(operator, OPERATOR_PAGES) == {}


def test_the_public_pages_in_vietnamese_show_no_english(client):
    assert untranslated(client, PUBLIC_PAGES) == {}


def test_the_check_finds_an_english_string_left_in_a_page():
    assert "Sign in" in english_msgids()
    text = visible_text("<main><h1>Sign in</h1><p>Đăng nhập</p></main>")
    assert re.search(r"(?<![\w-])Sign in(?![\w-])", text)
