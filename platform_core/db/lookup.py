"""Finding a row by an id that came from outside (a URL, a form, a token, Zalo's tracking id): an id that is
not a UUID finds nothing, as another tenant's id finds nothing (every query is scoped to the tenant in context)."""

import uuid

from sqlalchemy import select

from platform_core.db import db


def as_uuid(value) -> uuid.UUID | None:
    """`value` as a UUID (any of its text forms), or None when it is not one."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def one_by_id(model, raw_id):
    """The `model` row whose id is `raw_id`, or None (malformed id, no such row, another tenant's row)."""
    key = as_uuid(raw_id)
    return None if key is None else db.session.scalar(select(model).where(model.id == key))
