"""A tenant's catalogue: reading, searching, editing, importing. Scoping to the tenant is done by the session.

Edits made here (the console, an import, the setup wizard) leave `source_checksum` alone: it records which
tenants/ file record a row was last written from, so a sync of unchanged files keeps a province's own edits.
"""

from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.catalogue.columns import KEYS
from platform_core.catalogue.importer import NEW, Plan
from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from platform_core.settings.service import province_settings
from platform_core.text import fold


def list_procedures(field: str | None = None, q: str | None = None, enabled: bool | None = None):
    statement = select(Procedure).order_by(Procedure.code)
    if field:
        statement = statement.where(Procedure.field == field)
    if q:
        statement = statement.where(Procedure.name.ilike(f"%{q}%") | Procedure.code.ilike(f"%{q}%"))
    if enabled is not None:
        statement = statement.where(Procedure.enabled.is_(enabled))
    return db.session.scalars(statement).all()


def get_procedure(code: str) -> Procedure | None:
    return db.session.scalar(select(Procedure).where(Procedure.code == code))


def search(q: str | None = None, field: str | None = None, enabled: bool | None = None) -> list[Procedure]:
    """Procedures whose code or name holds every word of `q`, with or without diacritics, by field and code.

    Matched in Python: a province has a few hundred to a few thousand procedures, and SQL cannot strip
    Vietnamese diacritics portably (SQLite has no `unaccent`)."""
    words = fold(q or "").split()
    procedures = list_procedures(field=field or None, enabled=enabled)
    return [procedure for procedure in procedures
            if all(word in fold(f"{procedure.code} {procedure.name}") for word in words)]


def fields() -> list[str]:
    """The fields (lĩnh vực) the tenant's procedures belong to, for filters."""
    return list(db.session.scalars(select(Procedure.field).distinct().order_by(Procedure.field)))


def province_agencies() -> list[str]:
    """The agencies the province listed in its profile (setup step 1), offered when an agency is typed."""
    return [item["name"] for item in province_settings().agencies]


def values_of(procedure: Procedure) -> dict:
    return {key: getattr(procedure, key) for key in KEYS}


def current_values() -> dict[str, dict]:
    """code -> values of every procedure of the tenant: what an import is compared with."""
    return {procedure.code: values_of(procedure) for procedure in db.session.scalars(select(Procedure))}


def update_procedure(procedure: Procedure, values: dict, actor=None) -> dict:
    """Apply the `values` that differ; one audit event lists them as [old, new]. Returns those differences."""
    differences = {key: [getattr(procedure, key), value] for key, value in values.items()
                   if key != "code" and getattr(procedure, key) != value}
    for key, (_old, new) in differences.items():
        setattr(procedure, key, new)
    if differences:
        record_event("procedure_updated", actor=actor, target=procedure,
                     details={"code": procedure.code, "changes": differences})
    return differences


def set_enabled(procedure: Procedure, enabled: bool, actor=None) -> bool:
    """Offer the procedure to citizens, or stop; False when it already was so (nothing recorded)."""
    if procedure.enabled == enabled:
        return False
    procedure.enabled = enabled
    record_event("procedure_enabled" if enabled else "procedure_disabled", actor=actor, target=procedure,
                 details={"code": procedure.code})
    return True


def apply_import(plan: Plan, filename: str, actor=None) -> dict:
    """Write a confirmed import in the caller's transaction: new procedures, then changed ones. One audit
    event with the counts and the codes. Returns the counts."""
    existing = {procedure.code: procedure for procedure in db.session.scalars(select(Procedure))}
    for change in plan.changes:
        if change.kind == NEW:
            db.session.add(Procedure(code=change.code, **change.after))
        else:
            for key, value in change.after.items():
                setattr(existing[change.code], key, value)
    db.session.flush()
    counts = {"created": len(plan.new), "updated": len(plan.changed), "unchanged": len(plan.unchanged)}
    record_event("catalogue_imported", actor=actor, details={
        "file": filename, **counts,
        "created_codes": [change.code for change in plan.new],
        "updated_codes": [change.code for change in plan.changed],
    })
    return counts
