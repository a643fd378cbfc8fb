"""A procedure's values as people type them: the columns of the catalogue's CSV/XLSX files (export and import
use the same ones, so an exported file imports as "no changes") and how each typed value is read and checked.

The console's edit form and the setup wizard read their fields through the same parsers, so a fee or a time
is accepted or refused with the same words wherever it is typed. The codes are those of the tenants/ files.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from platform_core.catalogue.constants import LEVELS, ONLINE_LEVELS, PROCEDURE_CODE, TIME_UNITS
from platform_core.text import fold

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets would run as a formula
_WHOLE_NUMBER = re.compile(r"^\d+$|^\d{1,3}(?:([., ])\d{3})(?:\1\d{3})*$")  # 20000, 20.000, 20,000, 20 000
_TRUE = {"yes", "y", "true", "1", "x", "co"}
_FALSE = {"no", "n", "false", "0", "khong"}
MAX_NUMBER = 2_000_000_000
MAX_DOCUMENTS = 4000


class Invalid(ValueError):
    """A typed value refused; the message is shown next to the field, or with the row and column."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    parse: Callable[[str], object]
    required: bool = False  # a new procedure must give it, and it can never be emptied
    hint: str = ""


def _text(max_length: int) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise Invalid(_l("Too long: at most %(max)s characters.", max=max_length))
        return raw
    return parse


# What provinces write in their own spreadsheets besides the labels: the words of the national portal.
CHOICE_ALIASES = {"tinh": ("tinh", "cap tinh"), "xa": ("xa", "cap xa"),
                  "trung_uong": ("trung uong", "bo nganh"), "toan_trinh": ("toan trinh", "truc tuyen toan trinh"),
                  "mot_phan": ("mot phan", "truc tuyen mot phan"), "khong": ("khong", "khong truc tuyen"),
                  "working_day": ("ngay lam viec",), "day": ("ngay",), "hour": ("gio",)}


def _choice(choices: dict) -> Callable[[str], str]:
    """A code (`working_day`), also typed as words without accents or underscores (`working day`), or as its
    label in Vietnamese or English (“Toàn trình”, “ngày làm việc”, “Fully online”)."""
    def parse(raw: str) -> str:
        typed = fold(raw)
        code = next((code for code in choices if typed in _spellings(code, choices[code])), None)
        if code is None:
            with force_locale("vi"):
                labels = ", ".join(f"“{label}”" for label in choices.values())
            raise Invalid(_l("Unknown value “%(value)s”: write one of %(labels)s.", value=raw, labels=labels))
        return code
    return parse


def _spellings(code: str, label) -> set[str]:
    with force_locale("vi"):
        vietnamese = str(label)
    with force_locale("en"):
        english = str(label)
    return {code, code.replace("_", " "), fold(vietnamese), fold(english), *CHOICE_ALIASES.get(code, ())}


def parse_whole_number(raw: str) -> int:
    """0 or more, with or without thousands separators (Vietnamese write 20.000)."""
    if raw.startswith("-") and raw[1:2].isdigit():
        raise Invalid(_l("Must be 0 or more."))
    if not _WHOLE_NUMBER.match(raw):
        raise Invalid(_l("Must be a whole number, like 20000."))
    number = int(re.sub(r"\D", "", raw))
    if number > MAX_NUMBER:
        raise Invalid(_l("Too large."))
    return number


def parse_documents(raw: str) -> str:
    """The papers a citizen brings (thành phần hồ sơ): one a line, or separated by ";" as a spreadsheet cell
    is often written; stored one a line without the list marks people type ("- ", "• ")."""
    items = [item.strip().lstrip("-•*+ ").strip() for item in re.split(r"[\n;]", raw.replace("\r", "\n"))]
    text = "\n".join(item for item in items if item)
    if len(text) > MAX_DOCUMENTS:
        raise Invalid(_l("Too long: at most %(max)s characters.", max=MAX_DOCUMENTS))
    return text


def parse_code(raw: str) -> str:
    code = raw.upper()
    if len(code) > 40 or not re.match(PROCEDURE_CODE, code):
        raise Invalid(_l("“%(value)s” is not a procedure code: write it like 1.004222 (optionally with a local "
                         "suffix, like 1.004222.H24).", value=raw))
    return code


def parse_yes_no(raw: str) -> bool:
    word = fold(raw)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise Invalid(_l("Write yes or no."))


COLUMNS = (
    Column("code", _l("Procedure code"), parse_code, required=True, hint=_l("The national code, like 1.004222.")),
    Column("name", _l("Procedure name"), _text(2000), required=True),
    Column("field", _l("Sector"), _text(200), required=True, hint=_l("Like Hộ tịch or Đất đai.")),
    Column("level", _l("Government level"), _choice(LEVELS), required=True),
    Column("agency", _l("Agency"), _text(200), required=True),
    Column("online_level", _l("Online service"), _choice(ONLINE_LEVELS), required=True),
    Column("processing_time_value", _l("Processing time"), parse_whole_number,
           hint=_l("A number; give the unit too. Empty: not stated.")),
    Column("processing_time_unit", _l("Time unit"), _choice(TIME_UNITS)),
    Column("processing_time_note", _l("Processing time note"), _text(200), hint=_l("Like “trong ngày”.")),
    Column("fee_vnd", _l("Fee (VND)"), parse_whole_number,
           hint=_l("0 if free. Empty: not confirmed (never guess a fee).")),
    Column("fee_note", _l("Fee note"), _text(300)),
    Column("result", _l("Result"), _text(2000)),
    Column("required_documents", _l("Required documents"), parse_documents,
           hint=_l("The papers to bring, one per line or separated by “;”.")),
    Column("enabled", _l("Offered"), parse_yes_no,
           hint=_l("yes or no; empty keeps the current setting (yes for a new procedure).")),
)
BY_KEY = {column.key: column for column in COLUMNS}
KEYS = tuple(BY_KEY)
LABELS = {column.key: column.label for column in COLUMNS}
CHOICES = {"level": LEVELS, "online_level": ONLINE_LEVELS, "processing_time_unit": TIME_UNITS}


def clean(raw) -> str:
    """A cell as text: trimmed, and without the quote that export puts before formula-like text."""
    text = "" if raw is None else str(raw).strip()
    if text[:1] == "'" and text[1:2] in FORMULA_START:
        return text[1:]
    return text


def parse_cells(cells: dict[str, str], current: dict | None) -> tuple[dict, dict]:
    """Read the typed `cells` (column key -> text) of one procedure; `current` is its values now, or None
    for a new procedure, which must then be complete. Returns (the values given, {column key: message});
    an empty cell means "not stated" (None), except for `enabled`, where it keeps the current setting."""
    values, errors = {}, {}
    for key, raw in cells.items():
        column, text = BY_KEY[key], clean(raw)
        if not text:
            if column.required:
                errors[key] = _l("Required.")
            elif key != "enabled":
                values[key] = None
            continue
        try:
            values[key] = column.parse(text)
        except Invalid as invalid:
            errors[key] = invalid.message
    if current is None:
        for column in COLUMNS:
            if column.required and column.key not in cells:
                errors.setdefault(column.key, _l("Required for a new procedure."))
        values.setdefault("enabled", True)
    for key, message in _check_together({**(current or {}), **values}).items():
        errors.setdefault(key, message)
    return values, errors


def _check_together(merged: dict) -> dict:
    """A processing time is a number with its unit: one without the other means nothing."""
    has_value = merged.get("processing_time_value") is not None
    has_unit = merged.get("processing_time_unit") is not None
    if has_value and not has_unit:
        return {"processing_time_unit": _l("Give the time unit with the number.")}
    if has_unit and not has_value:
        return {"processing_time_value": _l("Give the number with the time unit.")}
    return {}


def as_text(key: str, value) -> str:
    """A stored value as it is written into a cell (the inverse of the column's parser)."""
    if value is None:
        return ""
    if key == "enabled":
        return "yes" if value else "no"
    return str(value)
