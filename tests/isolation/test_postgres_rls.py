"""PostgreSQL row-level security: the database itself keeps tenants apart, even for raw SQL.

The session refuses raw SQL on tenant tables unless it is marked as scoped by the caller
(tests/isolation/test_unscoped_statements.py); here the marked statements leave the scoping to the database."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from platform_core.db.base import tenant_tables
from platform_core.db.cross_tenant import cross_tenant
from platform_core.extensions import db
from tests.conftest import CANARY, as_tenant

pytestmark = pytest.mark.postgres_only


def raw(sql: str):
    return text(sql).execution_options(tenant_scoped_by_caller=True)


def test_raw_sql_sees_only_the_current_tenants_rows(tenant_a, db_session):
    with as_tenant(tenant_a):
        names = db_session.execute(raw("select name from procedure")).scalars().all()
    assert len(names) == 2 and not any(CANARY in n for n in names)


def test_raw_sql_on_the_connection_is_scoped_too(tenant_b, db_session):
    with as_tenant(tenant_b):
        names = db_session.connection().execute(text("select name from procedure")).scalars().all()
    assert names and all(CANARY in n for n in names)


def test_raw_sql_without_a_tenant_sees_nothing(db_session):
    assert db_session.execute(raw("select count(*) from procedure")).scalar() == 0


def test_raw_insert_for_another_tenant_is_rejected(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_a), pytest.raises(ProgrammingError, match="row-level security"):
        db_session.execute(
            raw(
                "insert into procedure (tenant_id, id, code, name, field, level, agency, online_level, enabled,"
                " created_at, updated_at) values (:t, gen_random_uuid(), 'x', 'x', 'x', 'xa', 'x', 'khong', true,"
                " now(), now())"
            ),
            {"t": tenant_b.id},
        )


def test_raw_update_cannot_reach_another_tenant(tenant_a, tenant_b, db_session):
    with as_tenant(tenant_a):
        changed = db_session.execute(raw("update procedure set fee_vnd = 1 where tenant_id = :t"),
                                     {"t": tenant_b.id}).rowcount
    assert changed == 0


def test_cross_tenant_helper_lifts_rls_for_its_block_only(tenant_a, db_session):
    with cross_tenant("test: count every tenant's procedures"):
        everyone = db_session.execute(text("select count(*) from procedure")).scalar()
    after = db_session.execute(raw("select count(*) from procedure")).scalar()
    assert everyone >= 4 and after == 0


def test_runtime_role_cannot_bypass_rls(db_session):
    row = db_session.execute(
        text("select rolsuper, rolbypassrls from pg_roles where rolname = current_user")
    ).one()
    owns_tables = db_session.execute(
        text("select count(*) from pg_tables where schemaname = 'public' and tableowner = current_user")
    ).scalar()
    assert (row.rolsuper, row.rolbypassrls, owns_tables) == (False, False, 0)


def test_every_tenant_table_has_forced_rls_and_a_policy(db_session):
    rows = db_session.execute(
        text(
            "select c.relname, c.relrowsecurity, c.relforcerowsecurity,"
            " exists(select 1 from pg_policies p where p.tablename = c.relname) as has_policy"
            " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where n.nspname = 'public' and c.relkind = 'r'"
        )
    ).all()
    state = {r.relname: (r.relrowsecurity, r.relforcerowsecurity, r.has_policy) for r in rows}
    missing = [t for t in tenant_tables() if state.get(t) != (True, True, True)]
    assert tenant_tables() and missing == []


def test_tenant_setting_does_not_survive_on_a_pooled_connection(app, tenant_a):
    """The tenant is set per transaction: the next borrower of the same connection sees nothing."""
    engine = db.engine
    with engine.connect() as connection:
        pid = connection.execute(text("select pg_backend_pid()")).scalar()
        connection.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": str(tenant_a.id)})
        assert connection.execute(text("select count(*) from procedure")).scalar() == 2
        connection.commit()
    with engine.connect() as connection:
        assert connection.execute(text("select pg_backend_pid()")).scalar() == pid
        assert connection.execute(text("select count(*) from procedure")).scalar() == 0
