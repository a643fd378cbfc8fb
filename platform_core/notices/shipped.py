"""The texts of citizens' messages shipped in tenants/ (messages.vi.yaml): a tenant's first template version is
made from them when it is first needed (notices/templates.py), and later versions are the province's own edits.
`flask tenants sync` checks them (provisioning/sync.py) but writes nothing of them.

Read once per process for what the files hold: reading and checking them (every kind's templates compiled) costs
about 30 ms, and each province makes a first version of each kind, in whichever worker first sends one.
"""

import copy
from functools import lru_cache
from pathlib import Path

from flask import current_app
from marshmallow import fields

from platform_core.notices.kinds import MESSAGE_KINDS
from platform_core.notices.rendering import validate as validate_template
from platform_core.tenancy.files import DEFAULTS_FOLDER, QUOTED, FileSchema, Reader, SourcesInvalid

MESSAGES_FILE = "messages.vi.yaml"


class MessageTextsSchema(FileSchema):
    """One event kind's message (tenants/README.md, "messages.vi.yaml")."""

    text = fields.String(required=True)
    card_header = fields.String(required=True)
    card_text = fields.String(required=True)
    status_colour = fields.String(required=True)
    zns_template_id = fields.String(allow_none=True, load_default=None, error_messages=QUOTED)
    zns_params = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)


# Every event kind is required in the defaults; a province's file is loaded with partial=True, so it names
# only the kinds, and within a kind only the fields, that it changes.
MessagesFileSchema = FileSchema.from_dict(
    {kind: fields.Nested(MessageTextsSchema, required=True) for kind in MESSAGE_KINDS}, name="MessagesFileSchema"
)


def read_messages(slug: str, root: Path | None = None) -> dict[str, dict]:
    """Province `slug`'s message texts by event kind: its messages.vi.yaml (optional) laid over the defaults.
    `root` defaults to the TENANTS_DIR setting. Raises SourcesInvalid.

    Kept per process by the files' contents (not their times, which a quick rewrite may leave unchanged), so an
    edited file is read again; the defaults are read and checked once for every province. The caller gets its
    own copy."""
    root = Path(root or current_app.config["TENANTS_DIR"])
    defaults = _content(root / DEFAULTS_FOLDER / MESSAGES_FILE)
    return copy.deepcopy(_merged(root, slug, defaults, _content(root / slug / MESSAGES_FILE)))


# The contents passed to the two functions below only key their caches; the readers open the files again. A file
# rewritten between the two reads is cached as rewritten under its earlier contents, a key the next call no
# longer makes unless the file is put back as it was: tenants/ changes with a deployment, not while workers read.

@lru_cache(maxsize=256)
def _merged(root: Path, slug: str, defaults_content: bytes | None, content: bytes | None) -> dict[str, dict]:
    defaults, problems = _checked_defaults(root, defaults_content)
    reader = Reader(root)
    reader.problems.extend(problems)
    messages = read_province_messages(reader, root / slug, defaults)
    if reader.problems:
        raise SourcesInvalid(reader.problems)  # not cached: read again until the files are mended
    return messages


@lru_cache(maxsize=8)
def _checked_defaults(root: Path, content: bytes | None) -> tuple[dict | None, tuple]:
    """The defaults and their problems. `read_province_messages` builds new dicts from them, leaving these as
    they are for the next province."""
    reader = Reader(root)
    return read_default_messages(reader), tuple(reader.problems)


def _content(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def read_default_messages(reader: Reader) -> dict | None:
    path = reader.root / DEFAULTS_FOLDER / MESSAGES_FILE
    messages = reader.load(path, MessagesFileSchema())
    return None if messages is None or not _templates_valid(reader, path, messages) else messages


def read_province_messages(reader: Reader, folder: Path, defaults: dict | None) -> dict | None:
    """Only the fields a province gives replace the default's, kind by kind. The kinds it changes are checked
    again as merged (the defaults were checked once, by `read_default_messages`)."""
    path = folder / MESSAGES_FILE
    changes = reader.load(path, MessagesFileSchema(partial=True)) if path.exists() else {}
    if changes is None or defaults is None:
        return None
    merged = {kind: {**texts, **changes.get(kind, {})} for kind, texts in defaults.items()}
    changed = {kind: merged[kind] for kind in changes}
    return merged if _templates_valid(reader, path, changed) else None


def _templates_valid(reader: Reader, path: Path, messages: dict[str, dict]) -> bool:
    problems_before = len(reader.problems)
    for kind, texts in messages.items():
        for field_name, problems in validate_template(texts).items():
            for message in problems:
                reader.report(path, f"{kind}.{field_name}", message)
    return len(reader.problems) == problems_before
