"""What the template editor shows instead of Jinja: a field is written as its Vietnamese name between square
brackets, `[Mã hồ sơ]`, the words of the editor's field buttons. Templates are still stored, checked and
rendered as Jinja (rendering.py); the editor converts on the way in and out (docs/architecture.md, "Message
templates in the editor").

- `to_readable(source)`: every `{{ field }}` (written exactly so: what the buttons insert and the provinces'
  files use) becomes `[Name]`; a literal square bracket is doubled (`[[`, `]]`) so that it cannot be read back
  as a field; anything else of Jinja (`{% if %}`, `{{ field|filter }}`) stays as it is.
- `to_jinja(text)`: the way back. `[Name]` is matched ignoring case, spacing and Unicode composition (Vietnamese
  keyboards differ), and the Jinja name (`[ma_ho_so]`) is accepted too; a name that is not a field raises
  UnknownPlaceholder with every such name, and its line. Jinja written in the text passes through.

`to_jinja(to_readable(source)) == source` for any source (tests/notices/test_placeholders.py).
"""

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from platform_core.notices.context import CONTEXT_FIELDS
from platform_core.notices.rendering import N_, Problem

LIST_FIELD = "giay_to_can_bo_sung"
LIST_LINES_LABEL = f"{CONTEXT_FIELDS[LIST_FIELD]}, mỗi giấy tờ một dòng"
# name between brackets -> the Jinja expression it stands for. A list is written joined, or one per line.
PLACEHOLDERS = {
    **{label: f"{{{{ {name} }}}}" for name, label in CONTEXT_FIELDS.items() if name != LIST_FIELD},
    CONTEXT_FIELDS[LIST_FIELD]: f'{{{{ {LIST_FIELD}|join("; ") }}}}',
    LIST_LINES_LABEL: f"{{{{ {LIST_FIELD}|bullets }}}}",
}
_BY_EXPRESSION = {expression: label for label, expression in PLACEHOLDERS.items()}


def _key(name: str) -> str:
    """How a name between brackets is compared: case, spacing and Unicode composition do not matter."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


# what may stand between brackets (the Vietnamese name or the Jinja one) -> the Jinja expression
_LOOKUP = {**{_key(name): PLACEHOLDERS[label] for name, label in CONTEXT_FIELDS.items()},
           **{_key(label): expression for label, expression in PLACEHOLDERS.items()}}
_LABEL_KEYS = {_key(label): label for label in PLACEHOLDERS}

# Jinja's own pieces (the default delimiters rendering.py uses); what lies between them is the text.
_JINJA = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)
# In the text: a doubled bracket is a bracket; a single pair around a name (on one line) is a field.
_IN_TEXT = re.compile(r"\[\[|\]\]|\[([^\[\]\n]*)\]")
MAX_QUOTED = 40


@dataclass(frozen=True)
class Offered:
    """A field as the editor offers it: `text` to insert, and `field`, its Jinja name (for `{% if %}`)."""

    field: str
    label: str

    @property
    def text(self) -> str:
        return f"[{self.label}]"


def offered(fields: Iterable[str]) -> list[Offered]:
    """The placeholders of `fields`, in their order; the list of documents twice (joined, one per line)."""
    found = []
    for name in fields:
        found.append(Offered(name, CONTEXT_FIELDS[name]))
        if name == LIST_FIELD:
            found.append(Offered(name, LIST_LINES_LABEL))
    return found


class UnknownPlaceholder(ValueError):
    """Names between brackets that are no field; `problems` says which, where, and what was probably meant."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problems))
        self.problems = problems


def to_readable(source: str | None) -> str | None:
    if source is None:
        return None
    pieces = _JINJA.split(source)
    return "".join(_readable_piece(piece) if index % 2 else _escape(piece) for index, piece in enumerate(pieces))


def to_jinja(text: str | None) -> str | None:
    if text is None:
        return None
    problems: list[Problem] = []
    pieces = _JINJA.split(text)
    line = 1
    converted = []
    for index, piece in enumerate(pieces):
        converted.append(piece if index % 2 else _jinja_text(piece, line, "\n" in text.strip(), problems))
        line += piece.count("\n")
    if problems:
        raise UnknownPlaceholder(problems)
    return "".join(converted)


def _readable_piece(jinja: str) -> str:
    label = _BY_EXPRESSION.get(jinja)
    return f"[{label}]" if label else jinja


def _escape(text: str) -> str:
    return text.replace("[", "[[").replace("]", "]]")


def _jinja_text(text: str, first_line: int, several_lines: bool, problems: list[Problem]) -> str:
    def replace(match: re.Match) -> str:
        if match[0] in ("[[", "]]"):
            return match[0][0]
        name = match[1]
        if not name.strip():
            return match[0]
        expression = _LOOKUP.get(_key(name))
        if expression is None:
            line = first_line + text.count("\n", 0, match.start())
            problems.append(_unknown(name.strip(), line if several_lines else None))
            return match[0]
        return expression

    return _IN_TEXT.sub(replace, text)


def _unknown(name: str, line: int | None) -> Problem:
    quoted = name if len(name) <= MAX_QUOTED else name[: MAX_QUOTED - 1] + "…"
    if line is None:
        problem = Problem(N_("there is no field “[%(name)s]”"), name=quoted)
    else:
        problem = Problem(N_("there is no field “[%(name)s]” (line %(line)s)"), name=quoted, line=line)
    close = difflib.get_close_matches(_key(name), list(_LABEL_KEYS), n=1, cutoff=0.6)
    if close:
        return Problem(N_("%(problem)s: did you mean “[%(field)s]”?"), problem=problem, field=_LABEL_KEYS[close[0]])
    return Problem(N_("%(problem)s: pick a field from the list, or write [[ and ]] for square brackets in the "
                      "text"), problem=problem)
