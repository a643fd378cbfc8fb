"""What the automatic tenant criteria cannot reach is refused, on SQLite as on PostgreSQL: Core `Table`
statements, `text()` naming a tenant table and INSERTs, in a tenant context (UnscopedStatement) or without one
(TenantContextMissing), unless the caller marks the statement as scoped by hand. And the rows a
`cross_tenant()` block loaded leave the session when it ends, so that `session.get()` cannot hand another
tenant's row out of the identity map afterwards.

On PostgreSQL row-level security would filter these statements anyway; on SQLite nothing else would, so the
guard is the same on both and these tests run on both."""

import pytest
from sqlalchemy import func, insert, literal_column, select, text, update

from platform_core.catalogue.models import Procedure
from platform_core.db.base import new_id
from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.session import SCOPED_BY_CALLER, UnscopedStatement
from platform_core.db.tenant_context import TenantContextMissing
from platform_core.tenancy.models import Tenant
from tests.conftest import CANARY, as_tenant

PROCEDURE = Procedure.__table__
BY_HAND = {SCOPED_BY_CALLER: True}

UNSCOPED = {
    "core-select": select(PROCEDURE),
    "core-column": select(PROCEDURE.c.name),
    "core-count": select(func.count()).select_from(PROCEDURE),
    "orm-with-core-subquery": select(Procedure.name).where(Procedure.code.in_(select(PROCEDURE.c.code))),
    "core-update": PROCEDURE.update().values(fee_vnd=1),
    "core-delete": PROCEDURE.delete(),
    "text-select": text("select name from procedure"),
    "text-quoted": text('update "procedure" set fee_vnd = 1'),
    "text-from": select(literal_column("name")).select_from(text("Procedure")),
}


def procedure_row(tenant) -> dict:
    return {"tenant_id": tenant.id, "id": new_id(), "code": "7.777777", "name": "chen ngang", "field": "x",
            "level": "xa", "agency": "x", "online_level": "khong", "enabled": True}


def canary_codes(tenant_b, db_session) -> list[str]:
    with as_tenant(tenant_b):
        return db_session.scalars(select(Procedure.code)).all()


@pytest.mark.parametrize("statement", UNSCOPED.values(), ids=UNSCOPED.keys())
def test_an_unscoped_statement_in_a_tenant_context_is_refused(tenant_a, db_session, statement):
    with as_tenant(tenant_a), pytest.raises(UnscopedStatement):
        db_session.execute(statement)


@pytest.mark.parametrize("statement", UNSCOPED.values(), ids=UNSCOPED.keys())
def test_an_unscoped_statement_without_a_tenant_is_refused(db_session, statement):
    with pytest.raises(TenantContextMissing):
        db_session.execute(statement)


@pytest.mark.parametrize("table", [PROCEDURE, Procedure], ids=["core", "orm-bulk"])
def test_an_insert_for_another_tenant_is_refused(tenant_a, tenant_b, db_session, table):
    with as_tenant(tenant_a), pytest.raises(UnscopedStatement):
        db_session.execute(insert(table), [procedure_row(tenant_b)])
    assert "7.777777" not in canary_codes(tenant_b, db_session)


def test_a_statement_the_caller_scoped_by_hand_runs(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_a):
        db_session.execute(insert(PROCEDURE).execution_options(**BY_HAND), [procedure_row(tenant_a)])
        names = db_session.scalars(select(PROCEDURE.c.name).where(PROCEDURE.c.tenant_id == tenant_a.id),
                                   execution_options=BY_HAND).all()
    assert len(names) == 3 and not any(CANARY in name for name in names)


def test_core_and_text_on_platform_tables_need_no_mark(tenant_a, db_session):
    with as_tenant(tenant_a):
        assert db_session.scalar(select(func.count()).select_from(Tenant.__table__)) >= 2
        assert db_session.scalar(text("select count(*) from tenant where slug = :s"), {"s": "bac-ninh"}) == 1
        assert db_session.scalar(text("select 1 as procedure_code")) == 1  # a column name is not a table


def test_orm_statements_are_still_scoped_not_refused(tenant_a, db_session):
    with as_tenant(tenant_a):
        assert db_session.execute(update(Procedure).values(fee_vnd=5)).rowcount == 2
        assert db_session.scalar(select(func.count()).select_from(Procedure)) == 2


def test_rows_loaded_across_tenants_are_not_handed_out_afterwards(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_a):
        with cross_tenant("test: read another province's procedures"):
            b_row = db_session.scalars(select(Procedure).where(Procedure.tenant_id == tenant_b.id)).first()
        key = (b_row.tenant_id, b_row.id)
        assert b_row not in db_session
        assert db_session.get(Procedure, key) is None  # not out of the identity map: scoped SQL finds nothing


def test_a_change_made_across_tenants_is_written_before_its_row_is_forgotten(tenant_b, db_session):
    with cross_tenant("test: correct a fee"):
        row = db_session.scalars(select(Procedure).where(Procedure.tenant_id == tenant_b.id,
                                                        Procedure.code == "9.999999")).one()
        row.fee_vnd = 4321
    assert row not in db_session
    with as_tenant(tenant_b):
        assert db_session.scalar(select(Procedure.fee_vnd).where(Procedure.code == "9.999999")) == 4321
