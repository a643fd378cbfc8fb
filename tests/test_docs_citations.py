"""Comments cite only documents in the repository, and only sections those documents have.

In platform_core/, tests/, bench/, scripts/, migrations/ and tenants/, every comment and docstring (and every
line of a template, script or data file) that names a `*.md` file must name one that exists, by its path from
the repository root (`docs/zalo-oa.md`, `tenants/README.md`). A `§N` after it must be a numbered heading of
that document ("## 2. ..." or "### 8.2 ..."), and `§N item K` (or `items K-L`, `items K, L and M`) a numbered
list item inside that section. A `§N` with no document named before it in the same comment or docstring is
refused too: the reader must be told which document it is.
"""

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("platform_core", "tests", "bench", "scripts", "migrations", "tenants")
SKIPPED_DIRS = {"__pycache__", "translations"}
WHOLE_TEXT_SUFFIXES = {".html", ".sh", ".js", ".css", ".ini", ".mako", ".txt", ".cfg", ".toml", ".yaml", ".yml"}

_NUMBERS = r"\d+(?:\s*[-–]\s*\d+)?(?:\s*(?:,|and)\s*\d+(?:\s*[-–]\s*\d+)?)*"
CITATION = re.compile(
    r"(?<![\w./-])(?P<doc>(?:[\w.-]+/)*[\w.-]+\.md)\b"
    rf"|§\s?(?P<section>\d+(?:\.\d+)*)(?:,?\s+items?\s+(?P<items>{_NUMBERS}))?"
)
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<number>\d+(?:\.\d+)*)?")
LIST_ITEM = re.compile(r"^\s*(\d+)\.\s")


@dataclass(frozen=True)
class Text:
    """A comment block or docstring: where it starts, and its text with line breaks kept."""

    path: Path
    line: int
    text: str


@dataclass(frozen=True)
class Document:
    sections: frozenset[str]
    items: dict  # section number -> the numbered list items inside it (its subsections included)


def test_every_cited_document_and_section_exists():
    problems = [problem for text in repository_texts() for problem in check(text)]
    assert not problems, "\n".join(problems)


def test_a_missing_document_is_reported():
    assert check(Text(Path("x.py"), 3, "see docs/nowhere.md §2")) == [
        "x.py:3: docs/nowhere.md is not in the repository"]


def test_a_document_outside_docs_is_reported_by_its_bare_name():
    assert check(Text(Path("x.py"), 1, "the rule (zalo-oa.md §1)")) == ["x.py:1: zalo-oa.md is not in the repository"]


def test_a_missing_section_is_reported_on_its_line():
    assert check(Text(Path("x.py"), 10, "Statuses (docs/domain.md §1.3,\n§8.2 and §42)")) == [
        "x.py:11: docs/domain.md has no §42"]


def test_a_section_without_its_document_is_reported():
    assert check(Text(Path("x.py"), 1, "single use (§1)")) == ["x.py:1: §1 does not say which document it is in"]


def test_items_must_exist_in_their_section():
    assert check(Text(Path("x.py"), 1, "docs/zalo-oa.md §9 items 3, 13 and 19; §8 item 2")) == []
    assert check(Text(Path("x.py"), 1, "docs/zalo-oa.md §9 items 20-24")) == [
        "x.py:1: docs/zalo-oa.md §9 has no item 24"]
    assert check(Text(Path("x.py"), 1, "docs/zalo-oa.md §1 item 1")) == ["x.py:1: docs/zalo-oa.md §1 has no item 1"]


def test_comments_and_docstrings_are_read_but_not_other_strings():
    source = '"""Module (docs/a.md)."""\nX = "b.md"  # c.md\n# d.md\ndef f():\n    """e.md"""\n'
    found = [(text.line, text.text.strip()) for text in python_texts(Path("x.py"), source)]
    assert found == [(1, "Module (docs/a.md)."), (5, "e.md"), (2, "c.md\nd.md")]


# --- reading the repository -----------------------------------------------------------------------------------

def repository_texts():
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts):
                continue
            relative = path.relative_to(ROOT)
            if path.suffix == ".py":
                yield from python_texts(relative, path.read_text(encoding="utf-8"))
            elif path.suffix in WHOLE_TEXT_SUFFIXES:
                yield Text(relative, 1, path.read_text(encoding="utf-8"))


def python_texts(path: Path, source: str):
    """The docstrings of the module, classes and functions, then the comments, consecutive lines joined."""
    for node in ast.walk(ast.parse(source)):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield Text(path, value.lineno, value.value)
    block: list[tokenize.TokenInfo] = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        if block and token.start[0] != block[-1].start[0] + 1:
            yield _comment_block(path, block)
            block = []
        block.append(token)
    if block:
        yield _comment_block(path, block)


def _comment_block(path: Path, tokens) -> Text:
    return Text(path, tokens[0].start[0], "\n".join(token.string.lstrip("#").strip() for token in tokens))


# --- checking ---------------------------------------------------------------------------------------------------

def check(text: Text) -> list[str]:
    problems, current = [], None
    for match in CITATION.finditer(text.text):
        where = f"{text.path}:{text.line + text.text.count(chr(10), 0, match.start())}"
        if match["doc"]:
            current = match["doc"]
            if document(current) is None:
                problems.append(f"{where}: {current} is not in the repository")
            continue
        section = match["section"]
        if current is None:
            problems.append(f"{where}: §{section} does not say which document it is in")
            continue
        cited = document(current)
        if cited is None:
            continue  # reported with the document
        if section not in cited.sections:
            problems.append(f"{where}: {current} has no §{section}")
            continue
        for item in _numbers(match["items"] or ""):
            if item not in cited.items[section]:
                problems.append(f"{where}: {current} §{section} has no item {item}")
    return problems


def _numbers(listed: str) -> list[int]:
    numbers = []
    for low, high in re.findall(r"(\d+)(?:\s*[-–]\s*(\d+))?", listed):
        numbers.extend(range(int(low), int(high or low) + 1))
    return numbers


@cache
def document(relative: str) -> Document | None:
    path = ROOT / relative
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    headings = [(index, len(m["level"]), m["number"]) for index, line in enumerate(lines)
                if (m := HEADING.match(line))]
    items = {}
    for position, (index, level, number) in enumerate(headings):
        if number is None:
            continue
        end = next((i for i, lvl, _ in headings[position + 1:] if lvl <= level), len(lines))
        items[number] = {int(m[1]) for line in lines[index + 1:end] if (m := LIST_ITEM.match(line))}
    return Document(frozenset(items), items)
