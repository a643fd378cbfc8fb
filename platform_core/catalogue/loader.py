"""Turning catalogue files (already validated by tenancy/schemas.py) into a province's Procedure rows.

A province's catalogue is the national defaults with its own catalogue.yaml laid over them, entry by entry,
matched by code. Rows are keyed by code and carry the checksum of the record they were written from, so a
row is rewritten only when its source changed (and a local edit survives syncs of unchanged files). Rows
that are no longer in the files are kept: a province's procedures are never deleted by a sync.
"""

from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.db.checksum_upsert import Counts, checksum, upsert_by_checksum
from platform_core.extensions import db


def merge_catalogue(defaults: list[dict], changes: list[dict]) -> list[dict]:
    """The defaults with a province's changes applied; the province's own codes come after, in file order."""
    merged = {record["code"]: dict(record) for record in defaults}
    for change in changes:
        merged[change["code"]] = merged.get(change["code"], {}) | change
    return list(merged.values())


def procedure_columns(record: dict) -> dict:
    time = record["processing_time"] or {}
    return {
        "code": record["code"],
        "name": record["name"],
        "field": record["field"],
        "level": record["level"],
        "agency": record["agency"],
        "processing_time_value": time.get("value"),
        "processing_time_unit": time.get("unit"),
        "processing_time_note": time.get("note"),
        "fee_vnd": record["fee_vnd"],
        "fee_note": record["fee_note"],
        "online_level": record["online_level"],
        "result": record["result"],
        "required_documents": record.get("required_documents"),
        "enabled": record["enabled"],
    }


def upsert_procedures(records: list[dict]) -> Counts:
    """Write `records` as Procedure rows of the tenant in context (the session scopes the read)."""
    existing = {procedure.code: procedure for procedure in db.session.scalars(select(Procedure))}
    return upsert_by_checksum(Procedure, existing, ((record["code"], record) for record in records),
                              procedure_columns, checksum)
