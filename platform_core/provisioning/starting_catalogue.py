"""The setup wizard's catalogue step: a province starts from the national defaults with its own tenants/ file
laid over them, read as `flask tenants sync` reads it, and chooses what it offers."""

from flask import current_app
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.catalogue.loader import procedure_columns, upsert_procedures
from platform_core.catalogue.models import Procedure
from platform_core.catalogue.service import current_values
from platform_core.extensions import db
from platform_core.provisioning.sync import read_catalogue


def starting_records(slug: str) -> list[dict]:
    """The catalogue a province starts from: the national defaults with tenants/<slug>/catalogue.yaml laid
    over them, read from the TENANTS_DIR folder as `flask tenants sync` reads it."""
    return read_catalogue(slug, current_app.config["TENANTS_DIR"])


def starting_values(slug: str) -> dict[str, dict]:
    """code -> values: the tenant's procedures as stored, and the starting catalogue's for codes not stored
    yet, in the files' order then the tenant's own codes."""
    stored = current_values()
    files = {record["code"]: procedure_columns(record) for record in starting_records(slug)}
    merged = {code: stored.get(code, values) for code, values in files.items()}
    merged.update((code, values) for code, values in sorted(stored.items()) if code not in merged)
    return merged


def load_starting_catalogue(slug: str) -> None:
    """Store the starting catalogue's procedures that are new or whose file record changed (the loader's
    checksums leave the others, and the province's edits to them, alone)."""
    upsert_procedures(starting_records(slug))


def save_setup_choices(slug: str, chosen: set[str], edits: dict[str, dict], actor=None) -> dict:
    """The wizard's catalogue step: the starting catalogue stored, the chosen codes offered and the others
    stored disabled, and the inline `edits` (code -> values) applied. One audit event with the counts."""
    load_starting_catalogue(slug)
    procedures = list(db.session.scalars(select(Procedure).order_by(Procedure.code)))
    edited = 0
    for procedure in procedures:
        procedure.enabled = procedure.code in chosen
        changes = {key: value for key, value in edits.get(procedure.code, {}).items()
                   if getattr(procedure, key) != value}
        for key, value in changes.items():
            setattr(procedure, key, value)
        edited += bool(changes)
    counts = {"offered": sum(p.enabled for p in procedures), "not_offered": sum(not p.enabled for p in procedures),
              "edited": edited}
    record_event("catalogue_setup_saved", actor=actor, details=counts)
    return counts
