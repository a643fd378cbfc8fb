"""Merging one tenant into another: the dry run, the start, and each step of the run (docs/domain.md §5.3).

A merge goes through the phases of constants.PHASES. `advance()` does one unit of work (a chunk of one table,
a chunk of followers, the freeze) and commits it together with the merge's cursor and progress, so a run
killed anywhere resumes where the last commit left it, and the idempotent steps (copying.py, farewell.py)
make a repeated chunk harmless. Every read and write across the two tenants goes through `cross_tenant()`;
the start, the freeze and the end are platform audit events.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.auth.models import User
from platform_core.db.cross_tenant import cross_tenant, record_standing_access
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.mergers import copying, farewell
from platform_core.mergers.constants import (
    COPY,
    DELETE,
    DONE,
    FAILED,
    FAREWELL,
    FAREWELL_MAX_WAIT_HOURS,
    FAREWELL_WAIT,
    FINISHED,
    FREEZE,
    PLANNED,
    RUNNING,
)
from platform_core.mergers.models import TenantMerge
from platform_core.mergers.rules import MOVE, RULES, check_rules, moved_tables, tenant_tables
from platform_core.tenancy.constants import SERVED_STATUSES, STATUS_MERGED, TRANSITIONS
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import TenantError, mark_merged

DEFAULT_CHUNK_SIZE = 500


class MergeError(TenantError):
    """A merge refused before anything changed, with the field it concerns."""


@dataclass(frozen=True)
class TablePlan:
    table: str
    action: str
    why: str
    source_rows: int
    moving: int
    target_rows: int
    collisions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    source: Tenant
    target: Tenant
    tables: list[TablePlan]
    followers_to_tell: int
    oa_connected: bool

    @property
    def moving(self) -> int:
        return sum(row.moving for row in self.tables)

    def as_dict(self) -> dict:
        return {
            "tables": {row.table: {"action": row.action, "source_rows": row.source_rows, "moving": row.moving,
                                   "target_rows": row.target_rows, "collisions": row.collisions}
                       for row in self.tables},
            "followers_to_tell": self.followers_to_tell,
            "oa_connected": self.oa_connected,
        }


def pair_of(source: Tenant, target: Tenant) -> copying.Pair:
    return copying.Pair(source.id, target.id, source.code or source.slug)


# --- the dry run --------------------------------------------------------------------------------------------

def check_pair(source: Tenant, target: Tenant) -> None:
    if source.id == target.id:
        raise MergeError("target", "a province cannot be merged into itself")
    if STATUS_MERGED not in TRANSITIONS[source.status]:
        raise MergeError("source", f"{source.name} is {source.status}: only a province in trial, live or "
                                   "suspended can be merged")
    if target.status not in SERVED_STATUSES:
        raise MergeError("target", f"{target.name} is {target.status}: the successor must be served")
    if unfinished_merge(source) or unfinished_merge(target):
        raise MergeError("source", "one of these provinces is already in a merge that has not finished")
    check_rules()


def unfinished_merge(tenant: Tenant) -> TenantMerge | None:
    return db.session.scalar(select(TenantMerge).where(
        (TenantMerge.source_id == tenant.id) | (TenantMerge.target_id == tenant.id),
        TenantMerge.status.in_((PLANNED, RUNNING)),
    ))


def dry_run(source: Tenant, target: Tenant, actor=None) -> Plan:
    """What a merge would do, table by table; nothing is written but the audit event of the reading."""
    check_pair(source, target)
    pair = pair_of(source, target)
    rows = []
    with cross_tenant(f"tenant merge dry run: {source.slug} into {target.slug}", actor=actor):
        for table in tenant_tables():
            rule = RULES[table.name]
            moves = rule.action == MOVE
            rows.append(TablePlan(
                table=table.name, action=rule.action, why=rule.why,
                source_rows=copying.count_rows(table, source.id),
                moving=copying.count_moving(table, pair) if moves else 0,
                target_rows=copying.count_rows(table, target.id),
                collisions={column: copying.count_collisions(table, column, pair)
                            for column in (*rule.suffix, *([rule.unite_on] if rule.unite_on else []))}
                if moves else {},
            ))
    connected = farewell.reachable(source)
    return Plan(source, target, rows, farewell.followers_to_tell(source) if connected else 0, connected)


# --- the run ------------------------------------------------------------------------------------------------

def start(source: Tenant, target: Tenant, actor=None, legal_ref: str | None = None) -> TenantMerge:
    """Record the merge with its dry run's figures; the caller commits, then enqueues jobs.run_merge."""
    plan = dry_run(source, target, actor=actor)
    merge = TenantMerge(source_id=source.id, target_id=target.id, status=RUNNING, phase=FAREWELL,
                        plan=plan.as_dict(), progress={"tables": {}}, legal_ref=legal_ref,
                        started_by_id=getattr(actor, "id", None))
    db.session.add(merge)
    db.session.flush()
    record_event("tenant_merge_started", actor=actor, target=merge, platform=True,
                 details={"source": source.slug, "target": target.slug, "rows": plan.moving,
                          "followers_to_tell": plan.followers_to_tell, "legal_ref": legal_ref})
    return merge


def advance(merge_id: uuid.UUID, chunk_size: int | None = None) -> bool:
    """One unit of work, committed; False when there is nothing to do now (finished, failed, or waiting for
    the farewell messages to go)."""
    merge = db.session.get(TenantMerge, merge_id, with_for_update=True)
    if merge is None or merge.status != RUNNING:
        return False
    source, target = db.session.get(Tenant, merge.source_id), db.session.get(Tenant, merge.target_id)
    size = chunk_size or current_app.config.get("MERGE_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)
    worked = _STEPS[merge.phase](merge, source, target, size)
    db.session.commit()
    return worked


def _farewell(merge, source, target, size) -> bool:
    if not merge.plan.get("oa_connected"):
        return _next_phase(merge, FREEZE)
    last_id, written = farewell.write_chunk(merge.id, source, target, _cursor(merge), size)
    _add(merge, "farewell", "written", written)
    if last_id is None:
        return _next_phase(merge, FAREWELL_WAIT)
    merge.cursor = str(last_id)
    return True


def _farewell_wait(merge, source, target, size) -> bool:
    waited = utcnow() - merge.updated_at
    unsent = farewell.unsent(source)
    if unsent and waited < timedelta(hours=FAREWELL_MAX_WAIT_HOURS):
        return False
    _set(merge, "farewell", "unsent", unsent)
    return _next_phase(merge, FREEZE)


def _freeze(merge, source, target, size) -> bool:
    actor = _actor(merge)
    mark_merged(source, target, legal_ref=merge.legal_ref, actor=actor)
    return _next_phase(merge, COPY, table=_first(moved_tables()))


def _copy(merge, source, target, size) -> bool:
    tables = {table.name: table for table in moved_tables()}
    table = tables[merge.table_name]
    with cross_tenant(_reason(merge, source, target), audit=False):
        result = copying.copy_chunk(table, pair_of(source, target), _cursor(merge), size)
    for key in ("copied", "suffixed", "united"):
        _add(merge, table.name, key, getattr(result, key))
    if result.last_id is not None:
        merge.cursor = str(result.last_id)
        return True
    following = _after(list(tables), table.name)
    if following is None:
        return _next_phase(merge, DELETE, table=_first(list(reversed(moved_tables()))))
    merge.table_name, merge.cursor = following, None
    return True


def _delete(merge, source, target, size) -> bool:
    order = [table.name for table in reversed(moved_tables())]
    table = {table.name: table for table in moved_tables()}[merge.table_name]
    with cross_tenant(_reason(merge, source, target), audit=False):
        deleted = copying.delete_chunk(table, pair_of(source, target), size)
    _add(merge, table.name, "deleted", deleted)
    if deleted:
        return True
    following = _after(order, table.name)
    if following is None:
        return _finish(merge, source, target)
    merge.table_name = following
    return True


def _finish(merge, source, target) -> bool:
    merge.phase, merge.status, merge.table_name, merge.cursor = FINISHED, DONE, None, None
    merge.finished_at = utcnow()
    record_event("tenant_merge_finished", actor=_actor(merge), target=merge, platform=True,
                 details={"source": source.slug, "target": target.slug, "copied": totals(merge)["copied"]})
    return True


_STEPS = {FAREWELL: _farewell, FAREWELL_WAIT: _farewell_wait, FREEZE: _freeze, COPY: _copy, DELETE: _delete,
          FINISHED: lambda merge, source, target, size: False}


def fail(merge_id: uuid.UUID, error: str) -> None:
    """A step raised (a database refused a row): the merge stops, keeps its cursor and can be resumed."""
    db.session.rollback()
    merge = db.session.get(TenantMerge, merge_id)
    merge.status, merge.last_error = FAILED, error[:2000]
    record_event("tenant_merge_failed", target=merge, platform=True, details={"error": error[:500]})
    db.session.commit()


def resume(merge: TenantMerge, actor=None) -> TenantMerge:
    if merge.status != FAILED:
        raise MergeError("status", "only a failed merge can be resumed")
    merge.status, merge.last_error = RUNNING, None
    record_event("tenant_merge_resumed", actor=actor, target=merge, platform=True)
    return merge


def record_run_access(merge: TenantMerge) -> None:
    """One audit event per run of the job (its chunks cross tenants without one each)."""
    source, target = db.session.get(Tenant, merge.source_id), db.session.get(Tenant, merge.target_id)
    record_standing_access(_reason(merge, source, target), actor=_actor(merge))


# --- progress -----------------------------------------------------------------------------------------------

def totals(merge: TenantMerge) -> dict[str, int]:
    tables = (merge.progress or {}).get("tables", {})
    return {key: sum(counts.get(key, 0) for counts in tables.values())
            for key in ("copied", "suffixed", "united", "deleted")}


def planned_rows(merge: TenantMerge) -> int:
    return sum(row["moving"] for row in (merge.plan or {}).get("tables", {}).values())


def percent(merge: TenantMerge) -> int:
    """Copies and deletions both count: half the work each."""
    if merge.status == DONE:
        return 100
    planned = planned_rows(merge)
    if not planned:
        return 0
    done = totals(merge)
    return min(99, (done["copied"] + done["united"] + done["deleted"]) * 50 // planned)


def _add(merge, table: str, key: str, amount: int) -> None:
    if amount:
        _set(merge, table, key, _get(merge, table, key) + amount)


def _get(merge, table: str, key: str) -> int:
    bucket = merge.progress.get(key if table == "farewell" else "tables", {})
    return (bucket.get(key, 0) if table == "farewell" else bucket.get(table, {}).get(key, 0))


def _set(merge, table: str, key: str, value: int) -> None:
    progress = dict(merge.progress or {})  # a new dict: the JSON column notices reassignment only
    if table == "farewell":
        progress["farewell"] = {**progress.get("farewell", {}), key: value}
    else:
        tables = dict(progress.get("tables", {}))
        tables[table] = {**tables.get(table, {}), key: value}
        progress["tables"] = tables
    merge.progress = progress


def _next_phase(merge, phase: str, table: str | None = None) -> bool:
    merge.phase, merge.table_name, merge.cursor = phase, table, None
    return True


def _cursor(merge) -> uuid.UUID | None:
    return uuid.UUID(merge.cursor) if merge.cursor else None


def _first(tables) -> str | None:
    return tables[0].name if tables else None


def _after(names: list[str], name: str) -> str | None:
    index = names.index(name)
    return names[index + 1] if index + 1 < len(names) else None


def _reason(merge, source, target) -> str:
    return f"tenant merge {merge.id}: {source.slug} into {target.slug}"


def _actor(merge):
    return db.session.get(User, merge.started_by_id) if merge.started_by_id else None
