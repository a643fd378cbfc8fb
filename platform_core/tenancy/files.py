"""Reading the data files in tenants/ (YAML, never imported): problems are collected, not raised one at a
time, so that one run names every mistake (`<file>: <field>: <message>`). provisioning/sync.py reads the
provinces and catalogues with it, notices/shipped.py the message texts."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import Schema, ValidationError

DEFAULTS_FOLDER = "_defaults"
# YAML reads unquoted 01 or 1.004222 as numbers; say how to fix it instead of "Not a valid string."
QUOTED = {"invalid": 'must be a quoted string (e.g. "01" or "1.004222")'}


class FileSchema(Schema):
    error_messages = {"unknown": "unknown field (see tenants/README.md for the format)"}


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.field}: {self.message}"


class SourcesInvalid(Exception):
    """Some file in tenants/ is missing, unreadable or invalid; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class Reader:
    """Reads files, collecting problems instead of stopping at the first one."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

    def display(self, path: Path) -> str:
        """`tenants/ha-noi/tenant.yaml`: relative to the folder's parent, whatever --dir was given."""
        return str(Path(self.root.name) / path.relative_to(self.root))

    def report(self, path: Path, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.display(path), field_name, message))

    def load(self, path: Path, schema: Schema, required: bool = True) -> dict | None:
        if not path.is_file():
            if required:
                self.report(path, "file", "missing")
            return None
        raw = self._parse(path)
        return None if raw is None else self.validate(path, schema, raw)

    def validate(self, path: Path, schema: Schema, raw, prefix: str = "") -> dict | None:
        try:
            return schema.load(raw)
        except ValidationError as error:
            for field_name, message in _flatten(error.messages, prefix):
                self.report(path, field_name, message)
            return None

    def _parse(self, path: Path):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
            self.report(path, where, f"invalid YAML: {getattr(error, 'problem', None) or error}")
            return None
        except (OSError, UnicodeDecodeError) as error:
            self.report(path, "file", f"unreadable: {error}")
            return None
        if not isinstance(raw, dict):
            self.report(path, "file", "must be a YAML mapping (key: value lines)")
            return None
        return raw


def _flatten(messages, prefix: str = "") -> Iterator[tuple[str, str]]:
    """marshmallow's nested error dict as (`procedures[2].code`, message) pairs."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                name = prefix
            elif isinstance(key, int):
                name = f"{prefix}[{key}]"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            yield from _flatten(value, name)
    elif isinstance(messages, list):
        for message in messages:
            yield from _flatten(message, prefix)
    else:
        yield prefix or "file", str(messages)
