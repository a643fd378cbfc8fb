"""The .mo catalogues are build output (gitignored): compile them when missing or older than their .po."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import platform_core

TRANSLATIONS = Path(platform_core.__file__).parent / "translations"


def compile_catalogues() -> None:
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        with mo.open("wb") as target:
            write_mo(target, catalog)
