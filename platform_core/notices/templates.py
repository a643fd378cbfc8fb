"""A tenant's message templates, one per event kind, versioned: a save adds version N+1 and makes it current,
older versions stay as they were (history by construction), and a delivery pins the version it was rendered
with (`template_version`), so that a retry after an edit sends the same words.

Every tenant always has a template: the first time one is needed, version 1 is made from the province's
files (tenants/<slug>/messages.vi.yaml over tenants/_defaults/messages.vi.yaml). The tenant in context owns
everything here; the session filters and stamps the rows. The caller commits.

For the editor (province console and setup wizard): `overview` (every kind, who changed it last),
`history_entries` (every version with its author and what it restored), `changes` (a line diff of two
versions) and `preview` (of the current version, an old one, or an unsaved edit).
"""

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from platform_core.audit.models import AuditEvent
from platform_core.audit.service import record_event
from platform_core.auth.models import User
from platform_core.db.tenant_context import require_tenant
from platform_core.dossiers.constants import EVENT_APOLOGY, PROCESSING, STATUS_LABELS_VI
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.notices import rendering
from platform_core.notices.kinds import EVENT_KINDS, MESSAGE_KINDS
from platform_core.notices.models import MessageTemplate
from platform_core.notices.placeholders import to_readable
from platform_core.notices.province_sample import province_values
from platform_core.notices.shipped import read_messages
from platform_core.tenancy.models import Tenant

AUDIT_SAVED = "template_saved"

# The status each kind's sample dossier shows (an apology comes while the dossier is being processed).
_KIND_STATUS = {**{kind: status for status, kind in EVENT_KINDS.items()}, EVENT_APOLOGY: PROCESSING}

# A line of a diff: unchanged, only in the older version, only in the newer one.
SAME, REMOVED, ADDED = "same", "removed", "added"


class TemplateInvalid(FieldError):
    """A template that may not be saved; `errors` is {field: [messages]} for the editor, as CardError's."""

    def __init__(self, errors: dict[str, list[str]]):
        field, messages = next(iter(errors.items()))
        super().__init__(field, "; ".join(messages))
        self.errors = errors


def current_template(event_kind: str) -> MessageTemplate:
    """The version in use for `event_kind`; version 1 from the province's files if there is none yet."""
    _check_kind(event_kind)
    return _current(event_kind) or _create_first_version(event_kind)


def template_version(event_kind: str, version: int) -> MessageTemplate:
    """One version, current or not: what a delivery pinned when it was first rendered."""
    _check_kind(event_kind)
    template = db.session.scalar(
        select(MessageTemplate).where(MessageTemplate.event_kind == event_kind, MessageTemplate.version == version)
    )
    if template is None:
        raise FieldError("version", f"no version {version} of the “{event_kind}” template")
    return template


def pinned_templates(keys: Iterable[tuple]) -> dict[tuple, MessageTemplate]:
    """The versions deliveries pinned, by (tenant id, template id, version), in one query: what a batch of
    deliveries needs to render its rows. Within the tenant in context (the session scopes it); a key with no
    such version is left out."""
    keys = set(keys)
    if not keys:
        return {}
    rows = db.session.scalars(select(MessageTemplate).where(MessageTemplate.id.in_({key[1] for key in keys})))
    found = {(row.tenant_id, row.id, row.version): row for row in rows}
    return {key: found[key] for key in keys if key in found}


def history(event_kind: str) -> list[MessageTemplate]:
    """Every version, newest first."""
    _check_kind(event_kind)
    query = select(MessageTemplate).where(MessageTemplate.event_kind == event_kind)
    return list(db.session.scalars(query.order_by(MessageTemplate.version.desc())))


def save_template(event_kind: str, fields: Mapping, actor=None, restored_from: int | None = None,
                  based_on: int | None = None) -> MessageTemplate:
    """Add version N+1 and make it current. Fields left out keep the current version's values; any problem
    raises TemplateInvalid and nothing is written. `based_on`: the version the editor started from; if
    another save came first, this one is refused rather than silently undoing it."""
    previous = _current_for_update(event_kind)
    if based_on is not None and previous.version != based_on:
        raise TemplateInvalid({"version": [rendering.Problem(
            rendering.N_("version %(version)s was saved while you were editing; look at it before saving yours"),
            version=previous.version)]})
    values = {**rendering.fields_of(previous), **fields}
    errors = rendering.validate(values)
    if errors:
        raise TemplateInvalid(errors)
    previous.is_current = False
    template = _add_version(event_kind, values, _next_version(event_kind), actor)
    details = {"event_kind": event_kind, "version": template.version}
    if restored_from is not None:
        details["restored_from"] = restored_from
    record_event(AUDIT_SAVED, actor=actor, target=template, details=details)
    db.session.flush()  # written while this tenant is in context, whenever the caller commits
    return template


def restore(event_kind: str, version: int, actor=None) -> MessageTemplate:
    """Bring back an old version as a new one: history only grows, so the restore itself is on record."""
    old = template_version(event_kind, version)
    return save_template(event_kind, rendering.fields_of(old), actor=actor, restored_from=version)


def preview(event_kind: str, fields: Mapping | None = None, context: Mapping | None = None,
            version: int | None = None) -> dict:
    """What the citizen would get for a sample dossier (or `context`), with the current template, an older
    `version`, or an unsaved edit of either (`fields`, checked as a save would): the chat text, the card
    payload, the ZNS data."""
    base = current_template(event_kind) if version is None else template_version(event_kind, version)
    values = {**rendering.fields_of(base), **(fields or {})}
    errors = rendering.validate(values) if fields else {}
    if errors:
        raise TemplateInvalid(errors)
    sample = {**sample_context(event_kind), **(context or {})}
    zns = None
    if values["zns_template_id"]:
        template_id, data = rendering.render_zns(values, sample)
        zns = {"template_id": template_id, "template_data": data}
    return {
        "text": rendering.render_text(values, sample),
        "card": rendering.build_card(values, sample).to_payload(),
        "zns": zns,
    }


def sample_context(event_kind: str | None = None) -> dict:
    """The sample dossier, placed in the tenant's own province (its name, OA, a procedure and agency of its
    own: province_sample.py); for `event_kind`, at the status that event
    leaves it in, with a new appointment date only for an apology."""
    tenant = db.session.get(Tenant, require_tenant().id)
    sample = {**rendering.SAMPLE_CONTEXT, **province_values(tenant)}
    if event_kind in _KIND_STATUS:
        sample["trang_thai"] = STATUS_LABELS_VI[_KIND_STATUS[event_kind]]
    if event_kind is not None and event_kind != EVENT_APOLOGY:
        sample["ngay_hen_moi"] = ""
    return sample


def has_changes(event_kind: str, fields: Mapping) -> bool:
    """Whether saving `fields` would change the current version (an unchanged save adds no version)."""
    current = rendering.fields_of(current_template(event_kind))
    return {**current, **fields} != current


@dataclass(frozen=True)
class VersionEntry:
    """A version as the editor lists it. `author` is None for version 1 made from the province's files."""

    template: MessageTemplate
    author: str | None = None
    restored_from: int | None = None


def overview() -> list[VersionEntry]:
    """The current version of every kind, with who saved it."""
    current = [current_template(kind) for kind in MESSAGE_KINDS]
    authors = _authors(current)
    return [VersionEntry(template, authors.get(template.created_by_id)) for template in current]


def history_entries(event_kind: str) -> list[VersionEntry]:
    """Every version, newest first, with who saved it and which version a restore brought back."""
    versions = history(event_kind)
    authors = _authors(versions)
    restored = _restored_from(versions)
    return [VersionEntry(template, authors.get(template.created_by_id), restored.get(str(template.id)))
            for template in versions]


@dataclass(frozen=True)
class FieldChange:
    field: str
    lines: list[tuple[str, str]]  # (SAME | REMOVED | ADDED, line)


def changes(older: MessageTemplate, newer: MessageTemplate) -> list[FieldChange]:
    """What differs between two versions, field by field and line by line, in the editor's words (fields as
    `[Mã hồ sơ]`); unchanged fields are left out."""
    found = []
    for name in rendering.TEMPLATE_FIELDS:
        before, after = _lines(getattr(older, name)), _lines(getattr(newer, name))
        if before != after:
            found.append(FieldChange(name, _line_diff(before, after)))
    return found


def zns_param_lines(params: Mapping | None) -> list[str]:
    """ZNS parameters as the editor shows them: one "name: value" a line, fields as `[Mã hồ sơ]`."""
    return [f"{name}: {to_readable(source)}" for name, source in (params or {}).items()]


def shipped_fields(event_kind: str) -> dict:
    """The province's file texts for `event_kind` (what version 1 is made from)."""
    _check_kind(event_kind)
    return read_messages(require_tenant().slug)[event_kind]


# --- internals ---------------------------------------------------------------------------------------------

def _authors(templates: Iterable[MessageTemplate]) -> dict:
    ids = {template.created_by_id for template in templates} - {None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _restored_from(templates: Iterable[MessageTemplate]) -> dict[str, int]:
    """{template id: the version it restored}, from the audit events of the saves."""
    ids = [str(template.id) for template in templates]
    query = select(AuditEvent.target_id, AuditEvent.details).where(AuditEvent.action == AUDIT_SAVED,
                                                                    AuditEvent.target_id.in_(ids))
    return {target: details["restored_from"] for target, details in db.session.execute(query)
            if (details or {}).get("restored_from") is not None}


def _lines(value) -> list[str]:
    if isinstance(value, Mapping):
        return zns_param_lines(value)
    return [] if value is None else to_readable(str(value)).splitlines()


def _line_diff(before: list[str], after: list[str]) -> list[tuple[str, str]]:
    lines = []
    for operation, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if operation == "equal":
            lines += [(SAME, line) for line in before[i1:i2]]
        else:
            lines += [(REMOVED, line) for line in before[i1:i2]]
            lines += [(ADDED, line) for line in after[j1:j2]]
    return lines


def _check_kind(event_kind: str) -> None:
    if event_kind not in MESSAGE_KINDS:
        raise FieldError("event_kind", f"must be one of {', '.join(MESSAGE_KINDS)}")


def _current(event_kind: str, for_update: bool = False) -> MessageTemplate | None:
    query = select(MessageTemplate).where(MessageTemplate.event_kind == event_kind,
                                          MessageTemplate.is_current.is_(True))
    return db.session.scalar(query.with_for_update() if for_update else query)


def _current_for_update(event_kind: str) -> MessageTemplate:
    """The current version, locked so that two saves cannot both build on it (PostgreSQL). A save that waited
    for the lock finds the row no longer current; the second read finds the winner's version."""
    current_template(event_kind)
    return _current(event_kind, for_update=True) or _current(event_kind, for_update=True)


def _create_first_version(event_kind: str) -> MessageTemplate:
    """Version 1 from the files. Two workers may race to make it: the unique (tenant, kind, version) lets one
    win, and the other reads the winner's row."""
    fields = shipped_fields(event_kind)
    try:
        with db.session.begin_nested():
            return _add_version(event_kind, fields, 1, actor=None)
    except IntegrityError:
        return _current(event_kind)


def _next_version(event_kind: str) -> int:
    query = select(func.max(MessageTemplate.version)).where(MessageTemplate.event_kind == event_kind)
    return (db.session.scalar(query) or 0) + 1


def _add_version(event_kind: str, fields: Mapping, version: int, actor) -> MessageTemplate:
    values = rendering.fields_of(fields)
    values["zns_params"] = dict(values["zns_params"] or {})
    template = MessageTemplate(event_kind=event_kind, version=version, is_current=True,
                               created_by_id=getattr(actor, "id", None), **values)
    db.session.add(template)
    db.session.flush()
    return template
