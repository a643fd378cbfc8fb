"""A tenant's message templates, one per event kind, versioned: a save adds version N+1 and makes it current,
older versions stay as they were (history by construction), and a delivery pins the version it was rendered
with (`template_version`), so that a retry after an edit sends the same words.

Every tenant always has a template: the first time one is needed, version 1 is made from the province's
files (tenants/<slug>/messages.vi.yaml over tenants/_defaults/messages.vi.yaml). The tenant in context owns
everything here; the session filters and stamps the rows. The caller commits.
"""

from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from platform_core.auth.audit import record_event
from platform_core.delivery import rendering
from platform_core.delivery.models import MessageTemplate
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.tenancy.context import require_tenant
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.sync import read_messages

AUDIT_SAVED = "template_saved"


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


def history(event_kind: str) -> list[MessageTemplate]:
    """Every version, newest first."""
    _check_kind(event_kind)
    query = select(MessageTemplate).where(MessageTemplate.event_kind == event_kind)
    return list(db.session.scalars(query.order_by(MessageTemplate.version.desc())))


def save_template(event_kind: str, fields: Mapping, actor=None, restored_from: int | None = None) -> MessageTemplate:
    """Add version N+1 and make it current. Fields left out keep the current version's values; any problem
    raises TemplateInvalid and nothing is written."""
    previous = _current_for_update(event_kind)
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


def preview(event_kind: str, fields: Mapping | None = None, context: Mapping | None = None) -> dict:
    """What the citizen would get for a sample dossier (or `context`), with the current template or an
    unsaved edit of it (`fields`, checked as a save would): the chat text, the card payload, the ZNS data."""
    values = {**rendering.fields_of(current_template(event_kind)), **(fields or {})}
    errors = rendering.validate(values) if fields else {}
    if errors:
        raise TemplateInvalid(errors)
    sample = {**sample_context(), **(context or {})}
    zns = None
    if values["zns_template_id"]:
        template_id, data = rendering.render_zns(values, sample)
        zns = {"template_id": template_id, "template_data": data}
    return {
        "text": rendering.render_text(values, sample),
        "card": rendering.build_card(values, sample).to_payload(),
        "zns": zns,
    }


def sample_context() -> dict:
    """The sample dossier, placed in the tenant's own province."""
    tenant = db.session.get(Tenant, require_tenant().id)
    return {**rendering.SAMPLE_CONTEXT, "ten_tinh": tenant.name, "ten_oa": tenant.name}


def shipped_fields(event_kind: str) -> dict:
    """The province's file texts for `event_kind` (what version 1 is made from)."""
    _check_kind(event_kind)
    return read_messages(require_tenant().slug)[event_kind]


# --- internals ---------------------------------------------------------------------------------------------

def _check_kind(event_kind: str) -> None:
    if event_kind not in rendering.MESSAGE_KINDS:
        raise FieldError("event_kind", f"must be one of {', '.join(rendering.MESSAGE_KINDS)}")


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
