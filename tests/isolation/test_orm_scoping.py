"""Tenant A's session cannot read, update, delete or count tenant B's rows, and nothing runs without a tenant.

Each test here fails if the `do_orm_execute` / `before_flush` listeners are removed.
"""

import gc
import weakref

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import aliased

from platform_core.catalogue.models import Procedure
from platform_core.db import session as session_module
from platform_core.db.session import CrossTenantWrite
from platform_core.db.tenant_context import TenantContextMissing
from tests import factories
from tests.conftest import CANARY, as_tenant


def _names(session) -> list[str]:
    return session.scalars(select(Procedure.name)).all()


def test_select_returns_only_the_current_tenants_rows(tenant_a, db_session):
    with as_tenant(tenant_a):
        names = _names(db_session)
    assert names and not any(CANARY in name for name in names)


def test_each_tenant_sees_its_own_rows(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_b):
        b_names = _names(db_session)
    with as_tenant(tenant_a):
        a_names = _names(db_session)
    assert all(CANARY in name for name in b_names)
    assert set(a_names).isdisjoint(b_names)


NAMES = select(Procedure.name)  # built once, run in turn for each tenant: db/session.py keeps its scoped copies


def test_a_statement_built_once_is_scoped_to_each_tenant_it_runs_for(tenant_a, tenant_b, db_session):
    runs = []
    for tenant in (tenant_a, tenant_b, tenant_a, tenant_b):
        with as_tenant(tenant):
            runs.append(db_session.scalars(NAMES).all())
    assert runs[0] == runs[2] and runs[1] == runs[3]
    assert not any(CANARY in name for name in runs[0]) and all(CANARY in name for name in runs[1])
    assert runs[0] and runs[1]


def test_a_statement_built_for_one_call_is_not_kept_after_it(tenant_a, db_session):
    """The scoped copies are held weakly (db/session.py): one built for a single call, with its values, goes."""
    statement = select(Procedure.name).where(Procedure.name != "khác")
    with as_tenant(tenant_a):
        db_session.scalars(statement).all()
    assert statement in session_module._SCOPED and statement in session_module._REACHES
    gone = weakref.ref(statement)
    del statement
    gc.collect()
    assert gone() is None


@pytest.mark.parametrize(
    "statement",
    [
        select(func.count()).select_from(Procedure),
        select(func.count(Procedure.id)),
        select(func.count()).select_from(select(Procedure.id).subquery()),
    ],
    ids=["count-select-from", "count-column", "count-subquery"],
)
def test_counts_are_scoped(tenant_a, db_session, statement):
    with as_tenant(tenant_a):
        assert db_session.scalar(statement) == 2


def test_aliased_entity_is_scoped(tenant_a, db_session):
    other = aliased(Procedure)
    with as_tenant(tenant_a):
        names = db_session.scalars(select(other.name)).all()
    assert len(names) == 2 and not any(CANARY in n for n in names)


def test_join_with_alias_is_scoped_on_both_sides(tenant_a, db_session):
    twin = aliased(Procedure)
    with as_tenant(tenant_a):
        rows = db_session.execute(
            select(Procedure.name, twin.name).join(twin, twin.code == Procedure.code)
        ).all()
    assert rows and not any(CANARY in a or CANARY in b for a, b in rows)


def test_get_by_another_tenants_key_finds_nothing(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_b):
        b_proc = db_session.scalars(select(Procedure)).first()
        key = (b_proc.tenant_id, b_proc.id)
    db_session.expunge_all()
    with as_tenant(tenant_a):
        assert db_session.get(Procedure, key) is None


def test_bulk_update_touches_only_the_current_tenant(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_a):
        result = db_session.execute(update(Procedure).values(fee_vnd=123))
        assert result.rowcount == 2
    with as_tenant(tenant_b):
        fees = db_session.scalars(select(Procedure.fee_vnd)).all()
    assert 123 not in fees


def test_bulk_delete_touches_only_the_current_tenant(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_a):
        db_session.execute(delete(Procedure))
        assert db_session.scalar(select(func.count()).select_from(Procedure)) == 0
    with as_tenant(tenant_b):
        assert db_session.scalar(select(func.count()).select_from(Procedure)) == 2


def test_query_without_tenant_raises(db_session):
    with pytest.raises(TenantContextMissing):
        db_session.scalars(select(Procedure)).all()


def test_count_without_tenant_raises(db_session):
    with pytest.raises(TenantContextMissing):
        db_session.scalar(select(func.count()).select_from(Procedure))


def test_update_without_tenant_raises(db_session):
    with pytest.raises(TenantContextMissing):
        db_session.execute(update(Procedure).values(fee_vnd=1))


def test_global_tables_need_no_tenant(tenant_a, db_session):
    from platform_core.tenancy.models import Tenant

    assert db_session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh")).id == tenant_a.id


def test_new_row_is_stamped_with_the_current_tenant(tenant_a, db_session):
    with as_tenant(tenant_a):
        procedure = factories.create_procedure("2.000635", "Cấp bản sao trích lục")
    assert procedure.tenant_id == tenant_a.id


def test_insert_without_tenant_raises(db_session):
    db_session.add(Procedure(code="x", name="x", field="x", level="xa", agency="x", online_level="khong"))
    with pytest.raises(TenantContextMissing):
        db_session.flush()


def test_insert_into_another_tenant_is_refused(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_a):
        db_session.add(Procedure(tenant_id=tenant_b.id, code="x", name="x", field="x", level="xa",
                                 agency="x", online_level="khong"))
        with pytest.raises(CrossTenantWrite):
            db_session.flush()


def test_changing_an_object_of_another_tenant_is_refused(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_b):
        b_proc = db_session.scalars(select(Procedure)).first()
    with as_tenant(tenant_a):
        b_proc.name = "hijacked"
        with pytest.raises(CrossTenantWrite):
            db_session.flush()


def test_deleting_an_object_of_another_tenant_is_refused(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_b):
        b_proc = db_session.scalars(select(Procedure)).first()
    with as_tenant(tenant_a):
        db_session.delete(b_proc)
        with pytest.raises(CrossTenantWrite):
            db_session.flush()

