"""The one way to read and to change a province's settings.

`province_settings()` answers for the tenant in context (the ORM scopes the read to it, row-level security backs
that up on PostgreSQL: a province never reads another's), as a frozen `ProvinceSettings`; within a request it is
read once and kept on `g` until a setting is saved. `save_setting()` checks the value (definitions.py), checks
that the actor may change it, stores it and records the audit event the definition names.
"""

import json
from dataclasses import replace

from flask import g, has_request_context
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.auth.constants import ROLE_OPERATOR
from platform_core.db.tenant_context import require_tenant
from platform_core.extensions import db
from platform_core.settings.definitions import SETTINGS, ProvinceSettings, Setting
from platform_core.settings.models import ProvinceSetting

_CACHE = "province_settings"  # on flask.g: {tenant id: ProvinceSettings}


class SettingRefused(PermissionError):
    """The actor may not change this setting (definitions.Setting.editor)."""


def province_settings() -> ProvinceSettings:
    """The settings of the tenant in context: each saved value, else its default."""
    tenant_id = require_tenant().id
    cache = g.setdefault(_CACHE, {}) if has_request_context() else {}
    if tenant_id not in cache:
        rows = {row.key: row for row in db.session.scalars(select(ProvinceSetting))}
        cache[tenant_id] = replace(ProvinceSettings(), **{
            key: _loaded(SETTINGS[key], row) for key, row in rows.items() if key in SETTINGS})
    return cache[tenant_id]


def save_setting(key: str, value, actor=None):
    """Store `key`'s new value (cleaned: FieldError when refused) and audit the change; returns the value stored.
    `actor` None is the platform itself (CLI, provisioning); a user must be allowed by the setting's editor."""
    definition = SETTINGS[key]
    before = getattr(province_settings(), key)
    cleaned = _store({key: value}, actor)[key]
    if cleaned != before:
        record_event(definition.audit_action, actor=actor, details=_change(definition, before, cleaned))
    _flush()
    return cleaned


def save_settings(values: dict, actor=None) -> list[str]:
    """Store several settings that one form edits together (the setup wizard's profile step): every value is
    checked before any is stored, so a refusal (FieldError) stores none. Returns the names of those that changed,
    in the order given; the caller records the form's change as one audit event, where save_setting records one
    per setting."""
    before = province_settings()
    stored = _store(values, actor)
    _flush()
    return [key for key, value in stored.items() if value != getattr(before, key)]


def _store(values: dict, actor) -> dict:
    """Check the editor and clean every value, then add their rows to the session; the cleaned values."""
    for key in values:
        _check_editor(SETTINGS[key], actor)
    cleaned = {key: SETTINGS[key].clean(value) for key, value in values.items()}
    saved = db.session.scalars(select(ProvinceSetting).where(ProvinceSetting.key.in_(list(cleaned))))
    rows = {row.key: row for row in saved}
    for key, value in cleaned.items():
        row = rows.get(key) or ProvinceSetting(key=key)
        if SETTINGS[key].secret:
            row.value, row.secret_value = None, json.dumps(value)
        else:
            row.value = value
        row.updated_by_id = getattr(actor, "id", None)
        db.session.add(row)
    return cleaned


def _flush() -> None:
    """Write the rows (and the audit event) under the tenant in context; the next read sees the new values."""
    db.session.flush()
    if has_request_context():
        g.pop(_CACHE, None)


def _loaded(definition: Setting, row: ProvinceSetting):
    stored = json.loads(row.secret_value) if definition.secret else row.value
    return definition.load(stored) if definition.load else stored


def _check_editor(definition: Setting, actor) -> None:
    if actor is None:
        return
    allowed = actor.is_operator if definition.editor == ROLE_OPERATOR \
        else actor.has_tenant_role(require_tenant().id, definition.editor)
    if not allowed:
        raise SettingRefused(f"{getattr(actor, 'email', actor)} may not change this setting")


def _change(definition: Setting, before, after) -> dict:
    """What the audit log shows: per key [old, new] for a mapping (only what changed), else before and after;
    for a secret, only that it changed."""
    if definition.secret:
        return {"changed": True}
    if isinstance(before, dict) and isinstance(after, dict):
        return {key: [before.get(key), after.get(key)] for key in {**before, **after}
                if before.get(key) != after.get(key)}
    return {"before": before, "after": after}
