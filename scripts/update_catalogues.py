"""Bring the translation catalogues in step with the source, and fill in Vietnamese from JSON files.

    .venv/bin/python scripts/update_catalogues.py [--vi strings.json ...] [--check]

- extracts every UI string as babel.cfg says (lazy `_l` / `lazy_gettext` included) into messages.pot;
- updates the en and vi catalogues: new strings added, strings no longer in the source dropped, never a
  fuzzy guess (a fuzzy match would show a citizen another sentence);
- English is the source language: each en entry is its own msgid;
- each `--vi` file is a JSON object {msgid: Vietnamese}; its entries fill or replace the vi catalogue's;
- prints the strings still without Vietnamese (exit 1 with `--check` when there are any).

The catalogues are written sorted and without source locations, so that two branches adding strings do not
conflict over line numbers; running this again after a merge settles any conflict in the catalogues.
"""

import argparse
import copy
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "platform_core" / "translations"
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# A fixed creation date: a date that changed at every run would make every pair of branches conflict.
HEADER = {"project": "Motcua", "copyright_holder": "Motcua", "msgid_bugs_address": "dev@motcua.invalid",
          "creation_date": datetime(2026, 1, 1, tzinfo=UTC)}


def extract() -> Catalog:
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    template = Catalog(**HEADER)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        template.add(message, None, [(Path(filename).as_posix(), lineno)], auto_comments=comments, context=context)
    return template


def read(lang: str) -> Catalog:
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        return read_po(source, locale=lang)


def write(catalog: Catalog, path: Path) -> None:
    with path.open("wb") as target:
        write_po(target, catalog, no_location=True, sort_output=True, width=120)


def updated(lang: str, template: Catalog, extra: dict[str, str]) -> Catalog:
    catalog = read(lang)
    # a copy: update() adopts the template's new messages as they are, and the en pass below fills them in
    # with English, which the vi catalogue would then take for Vietnamese
    catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        message.flags.discard("fuzzy")
        if lang == "en":
            message.string = message.id if isinstance(message.id, str) else tuple(message.id)
        elif key in extra:
            message.string = extra[key] if isinstance(message.id, str) else (extra[key],)
    return catalog


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vi", action="append", default=[], help="JSON {msgid: Vietnamese}; may repeat")
    parser.add_argument("--check", action="store_true", help="exit 1 when a string lacks Vietnamese")
    args = parser.parse_args()
    extra: dict[str, str] = {}
    for name in args.vi:
        extra.update(json.loads(Path(name).read_text(encoding="utf-8")))
    template = extract()
    write(template, TRANSLATIONS / "messages.pot")
    missing = []
    for lang in ("en", "vi"):
        catalog = updated(lang, template, extra)
        write(catalog, TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po")
        if lang == "vi":
            missing = [m.id for m in catalog if m.id and not all(
                m.string if isinstance(m.string, tuple) else (m.string,))]
    for msgid in missing:
        print(f"no Vietnamese: {msgid!r}")
    print(f"{len(template)} strings; {len(missing)} without Vietnamese")
    return 1 if (missing and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
