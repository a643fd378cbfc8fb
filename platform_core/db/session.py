"""The session class that makes tenant scoping automatic and fail-closed.

Listeners, attached to the class so every session the app makes carries them:
- `do_orm_execute` adds `tenant_id = <current tenant>` to every ORM SELECT, UPDATE and DELETE that touches a
  TenantScoped table, and raises when no tenant is in context. What the ORM criteria cannot reach is refused
  unless the statement is marked `tenant_scoped_by_caller` (the caller scoped it by hand): a Core `Table`
  (`insert(Delivery.__table__)`, `Delivery.__table__.c.state`), a `text()` naming a tenant table, and any
  INSERT into one (inserts get no criteria). PostgreSQL's row-level security would catch these; SQLite has
  nothing else, so the same rule holds on both. `scoped_for_insert` builds an INSERT … SELECT that is scoped
  as the guard would scope it, for set-based writes;
- `before_flush` stamps new TenantScoped rows with the current tenant and refuses writes to another tenant's;
- `loaded_as_persistent` tells `cross_tenant()` which rows it loaded, so that it can forget them when it ends;
- on PostgreSQL, the tenant is also handed to the database (`app.tenant_id`, transaction-local) so that
  row-level security filters raw SQL as well.
"""

from contextlib import contextmanager
from functools import lru_cache
from weakref import WeakKeyDictionary

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, insert, literal, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria

from platform_core.db.base import TenantScoped
from platform_core.db.cross_tenant import cross_tenant_reason, note_loaded
from platform_core.db.statement_reach import tenant_reach
from platform_core.db.tenant_context import TenantContextMissing, current_tenant_id, require_tenant

SCOPED_BY_CALLER = "tenant_scoped_by_caller"
"""Execution option marking a Core or text() statement whose tenant scoping the caller wrote by hand:
`db.session.execute(insert(Delivery.__table__).execution_options(tenant_scoped_by_caller=True), rows)`."""


class CrossTenantWrite(RuntimeError):
    """A flush tried to write a row that belongs to a tenant other than the one in context."""


class UnscopedStatement(RuntimeError):
    """A statement reaches a tenant table where the automatic tenant criteria cannot (Core table, text(),
    INSERT) and is not marked `tenant_scoped_by_caller`."""


def scoped_for_insert(model, columns: list[str], rows, dml=insert):
    """`INSERT INTO model (*columns, tenant_id) SELECT rows…, <tenant>` for the tenant in context: set-based
    writes (broadcast planning) that never bring a row through Python.

    The guard below cannot scope an INSERT by itself, so this does what it would: the ORM-enabled INSERT gets
    the same `with_loader_criteria` as every ORM SELECT, which the ORM applies to every TenantScoped entity the
    nested select `rows` reads (its FROM, joins, EXISTS and IN subqueries), and every row written gets the
    tenant in context as a bound value; the statement is then marked as scoped by its caller. Columns left out
    get their model's Python defaults, evaluated once for the statement. Row-level security checks both again
    on PostgreSQL. `dml` is the dialect's own `insert` when the caller adds ON CONFLICT to the result."""
    tenant_id = require_tenant().id
    return (dml(model)
            .from_select([*columns, "tenant_id"], rows.add_columns(literal(tenant_id, model.tenant_id.type)))
            .options(with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True))
            .execution_options(**{SCOPED_BY_CALLER: True}))


class TenantSession(FlaskSession):
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        # Honour a session bound to one connection (the test suite's rolled-back outer transaction).
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@event.listens_for(TenantSession, "do_orm_execute")
def _scope_to_current_tenant(state: ORMExecuteState) -> None:
    _sync_database_tenant(state.session)
    if state.is_column_load or state.is_relationship_load:
        return  # the criteria added to the parent statement already propagate to these loads
    if cross_tenant_reason() is not None:
        return
    tenant_id = current_tenant_id()
    through, around = _reach(state.statement)
    if state.is_insert:
        through, around = False, through or around  # no criteria for an INSERT: its rows are the caller's
    if around and not state.execution_options.get(SCOPED_BY_CALLER):
        if tenant_id is None:
            raise TenantContextMissing("statement on a tenant table without a tenant in context")
        raise UnscopedStatement(
            f"a Core or text() statement on a tenant table cannot be scoped automatically; scope it by hand and "
            f"mark it with execution_options({SCOPED_BY_CALLER}=True), or use the ORM entity")
    if not through or not (state.is_select or state.is_update or state.is_delete):
        return
    if tenant_id is None:
        raise TenantContextMissing("tenant-scoped query without a tenant in context")
    state.statement = _scoped(state.statement, tenant_id)


# A statement built once and run many times (the consent screen's, asked for every message the API writes) is
# the same object at every run: what it reaches, and its scoped copy for each tenant, are worked out at its first
# run and kept while the statement lives. Statements are immutable and compare and hash by identity. The caches
# hold them weakly: one built for a single call (with its values: a citizen's phone, a batch's ids) goes with it.
_REACHES: WeakKeyDictionary = WeakKeyDictionary()  # statement -> (through the ORM, around it)
_SCOPED: WeakKeyDictionary = WeakKeyDictionary()  # statement -> {tenant id: the statement with its criteria}


def _reach(statement) -> tuple[bool, bool]:
    reach = _REACHES.get(statement)
    if reach is None:
        reach = _REACHES[statement] = tenant_reach(statement)
    return reach


def _scoped(statement, tenant_id):
    """The statement with the tenant's criteria: kept, its SQL compilation cache key is computed once, not at
    every run (SQLAlchemy memoizes it on the statement object). The copy holds no reference to the original."""
    copies = _SCOPED.setdefault(statement, {})
    scoped = copies.get(tenant_id)
    if scoped is None:
        scoped = copies[tenant_id] = statement.options(_tenant_criteria(tenant_id))
    return scoped


@lru_cache(maxsize=1024)
def _tenant_criteria(tenant_id):
    """The loader criteria that scope a statement to `tenant_id`, built once per tenant and shared: building them
    (SQLAlchemy analyses the lambda each time) cost as much as the rest of the scoping of a statement."""
    return with_loader_criteria(TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True)


@event.listens_for(TenantSession, "loaded_as_persistent")
def _note_rows_loaded_across_tenants(session, instance) -> None:
    if isinstance(instance, TenantScoped):
        note_loaded(instance)


@event.listens_for(TenantSession, "before_flush")
def _stamp_and_check_writes(session, flush_context, instances) -> None:
    _sync_database_tenant(session)
    tenant_id = current_tenant_id()
    crossing = cross_tenant_reason() is not None
    for obj in session.new:
        if isinstance(obj, TenantScoped) and obj.tenant_id is None:
            if tenant_id is None:
                raise TenantContextMissing(f"new {type(obj).__name__} without a tenant in context")
            obj.tenant_id = tenant_id
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, TenantScoped) or crossing:
            continue
        if tenant_id is None:
            raise TenantContextMissing(f"write to {type(obj).__name__} without a tenant in context")
        if obj.tenant_id != tenant_id:
            raise CrossTenantWrite(f"{type(obj).__name__} belongs to another tenant")


# --- PostgreSQL: hand the tenant to row-level security -----------------------------------------------------

_RLS_INFO_KEY = "motcua_rls_settings"


def _desired_database_settings() -> tuple[str, str]:
    tenant_id = current_tenant_id()
    return (str(tenant_id) if tenant_id else "", "on" if cross_tenant_reason() else "")


def _apply_database_settings(session, connection) -> None:
    tenant, cross = _desired_database_settings()
    connection.execute(
        text("select set_config('app.tenant_id', :tenant, true), set_config('app.cross_tenant', :cross, true)"),
        {"tenant": tenant, "cross": cross},
    )
    session.info[_RLS_INFO_KEY] = (tenant, cross)


@event.listens_for(TenantSession, "after_begin")
def _set_database_tenant_on_begin(session, transaction, connection) -> None:
    if connection.dialect.name == "postgresql":
        _apply_database_settings(session, connection)


@event.listens_for(TenantSession, "after_transaction_end")
def _forget_database_tenant(session, transaction) -> None:
    # set_config(..., true) ends with the transaction (or savepoint); re-apply on the next statement.
    session.info.pop(_RLS_INFO_KEY, None)


def resync_scoped_session(scoped) -> None:
    """After a tenant switch, re-tell PostgreSQL at once if the session is mid-transaction, so that raw SQL
    on `session.connection()` follows the switch too (ORM statements and flushes re-check by themselves)."""
    if not scoped.registry.has():
        return
    session = scoped()
    if not session.in_transaction():
        return
    try:
        _sync_database_tenant(session)
    except DBAPIError:
        # The transaction already failed (the error that did it is propagating); it can only be rolled
        # back, which drops the setting anyway. Raising here would hide the original error.
        session.info.pop(_RLS_INFO_KEY, None)


def _sync_database_tenant(session) -> None:
    """The tenant may change inside one transaction (a request resolves it after its first query)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    connection = session.connection()  # first: a transaction it begins is told at once (after_begin)
    if session.info.get(_RLS_INFO_KEY) != _desired_database_settings():
        _apply_database_settings(session, connection)


def isolated_session(scoped):
    """A new session of the app's class (so tenant scoping applies), for work that must commit on its own,
    such as storing a refreshed token pair while the caller's transaction is still open."""
    return scoped.session_factory()


@contextmanager
def objects_kept_across_commits(session):
    """Inside the block `session`'s commits expire nothing: a batch's objects, read once, stay loaded through the
    commits of its steps instead of being read back (delivery/batch.py, db/batch_facts.py). The session's
    setting is restored for whatever runs next in the worker."""
    before = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield
    finally:
        session.expire_on_commit = before
