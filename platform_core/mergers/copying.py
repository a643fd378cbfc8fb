"""Copying a source tenant's rows into the target and deleting the copied originals, a chunk at a time.

Both steps are idempotent, so a run killed at any point resumes without duplicates: a chunk copies only the
source rows whose id the target does not hold yet, and deletes only source rows whose copy the target holds.
The caller runs them inside `cross_tenant()` (the statements name both tenants by hand) and commits each
chunk with its cursor.
"""

import uuid
from dataclasses import dataclass, field

from sqlalchemy import Table, and_, func, select

from platform_core.db.session import SCOPED_BY_CALLER
from platform_core.extensions import db
from platform_core.mergers.rules import RULES, moving_rows, united_references

_BY_CALLER = {SCOPED_BY_CALLER: True}


@dataclass(frozen=True)
class Pair:
    """The tenants of one merge, and the tag a colliding key of the source gets (its code, else its slug)."""

    source_id: uuid.UUID
    target_id: uuid.UUID
    tag: str


@dataclass
class ChunkResult:
    last_id: uuid.UUID | None = None  # None: the table is done
    copied: int = 0
    suffixed: int = 0
    united: int = 0
    renamed: dict[str, str] = field(default_factory=dict)


def _run(statement):
    return db.session.execute(statement.execution_options(**_BY_CALLER))


def copy_chunk(table: Table, pair: Pair, after: uuid.UUID | None, size: int) -> ChunkResult:
    """Copy the next `size` moving source rows after id `after` into the target."""
    query = select(table).where(moving_rows(table, pair.source_id)).order_by(table.c.id).limit(size)
    if after is not None:
        query = query.where(table.c.id > after)
    rows = [dict(row._mapping) for row in _run(query)]
    if not rows:
        return ChunkResult()
    result = ChunkResult(last_id=rows[-1]["id"])
    already = set(_run(select(table.c.id).where(table.c.tenant_id == pair.target_id,
                                                table.c.id.in_([row["id"] for row in rows]))).scalars())
    rows = [row for row in rows if row["id"] not in already]
    rule = RULES[table.name]
    if rule.unite_on:
        rows, result.united = _without_united(table, rule.unite_on, rows, pair)
    for column in rule.suffix:
        result.suffixed += _suffix_collisions(table, column, rows, pair)
    for column, parent, key in united_references(table):
        _point_at_united(column, parent, key, rows, pair)
    rows = [{**(rule.transform(row) if rule.transform else row), "tenant_id": pair.target_id} for row in rows]
    if rows:
        _run(table.insert().values(rows))  # one statement; each row is stamped with the target by hand
    result.copied = len(rows)
    return result


def _taken(table: Table, column: str, values: set, pair: Pair) -> dict:
    """The target's rows holding any of `values` in `column`: value -> the target row's id."""
    if not values:
        return {}
    found = _run(select(table.c[column], table.c.id).where(table.c.tenant_id == pair.target_id,
                                                           table.c[column].in_(values)))
    return {value: row_id for value, row_id in found}


def _without_united(table: Table, column: str, rows: list[dict], pair: Pair) -> tuple[list[dict], int]:
    taken = _taken(table, column, {row[column] for row in rows if row[column] is not None}, pair)
    kept = [row for row in rows if row[column] not in taken]
    return kept, len(rows) - len(kept)


def _suffix_collisions(table: Table, column: str, rows: list[dict], pair: Pair) -> int:
    taken = _taken(table, column, {row[column] for row in rows if row[column] is not None}, pair)
    colliding = [row for row in rows if row[column] in taken]
    for row in colliding:
        row[column] = tagged(row[column], pair.tag, table.c[column].type.length)
    return len(colliding)


def tagged(value: str, tag: str, length: int | None) -> str:
    """`value~tag`, shortened from the value's end when the column would not hold it."""
    suffix = f"~{tag}"
    if length is not None and len(value) + len(suffix) > length:
        value = value[: length - len(suffix)]
    return value + suffix


def _point_at_united(column: str, parent: Table, key: str, rows: list[dict], pair: Pair) -> None:
    """Rows pointing at a source parent that united with a target parent point at the target's."""
    ids = {row[column] for row in rows if row[column] is not None}
    if not ids:
        return
    source, target = parent.alias("source_parent"), parent.alias("target_parent")
    mapping = dict(_run(
        select(source.c.id, target.c.id)
        .join(target, and_(target.c.tenant_id == pair.target_id, target.c[key] == source.c[key]))
        .where(source.c.tenant_id == pair.source_id, source.c.id.in_(ids))
    ).all())
    for row in rows:
        row[column] = mapping.get(row[column], row[column])


def delete_chunk(table: Table, pair: Pair, size: int) -> int:
    """Delete up to `size` source rows whose copy the target holds; returns how many."""
    copy = table.alias("copy")
    ids = list(_run(
        select(table.c.id).where(table.c.tenant_id == pair.source_id,
                                 table.c.id.in_(select(copy.c.id).where(copy.c.tenant_id == pair.target_id)))
        .limit(size)
    ).scalars())
    if ids:
        _run(table.delete().where(table.c.tenant_id == pair.source_id, table.c.id.in_(ids)))
    return len(ids)


# --- the dry run's figures ----------------------------------------------------------------------------------

def count_rows(table: Table, tenant_id: uuid.UUID) -> int:
    return _run(select(func.count()).select_from(table).where(table.c.tenant_id == tenant_id)).scalar_one()


def count_moving(table: Table, pair: Pair) -> int:
    return _run(select(func.count()).select_from(table).where(moving_rows(table, pair.source_id))).scalar_one()


def count_collisions(table: Table, column: str, pair: Pair) -> int:
    """Moving source rows whose `column` value the target already holds."""
    target = table.alias("target_rows")
    return _run(
        select(func.count()).select_from(table)
        .join(target, and_(target.c.tenant_id == pair.target_id, target.c[column] == table.c[column]))
        .where(moving_rows(table, pair.source_id))
    ).scalar_one()
