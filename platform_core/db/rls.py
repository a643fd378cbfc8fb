"""PostgreSQL row-level security: the policy every tenant table gets, and the runtime role's grants.

The policy compares `tenant_id` with the transaction-local setting `app.tenant_id` that the session sets
(`platform_core.db.session`). An unset or empty setting matches nothing: raw SQL with no tenant sees no rows.
`app.cross_tenant = 'on'` is set only by the audited `cross_tenant()` helper.
"""

import os

from sqlalchemy import text

POLICY_NAME = "tenant_isolation"
POLICY_PREDICATE = (
    "tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid "
    "OR current_setting('app.cross_tenant', true) = 'on'"
)


def enable_tenant_rls(op, table: str) -> None:
    """Call from a migration for every new TenantScoped table (a meta-test checks none is missed)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({POLICY_PREDICATE}) WITH CHECK ({POLICY_PREDICATE})'
    )


def disable_tenant_rls(op, table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')


def grant_runtime_role(connection, role: str) -> None:
    """Make sure the app's login role exists, cannot bypass RLS, and may only read and write rows."""
    exists = connection.execute(text("select 1 from pg_roles where rolname = :r"), {"r": role}).scalar()
    if not exists:
        password = os.environ.get("DATABASE_APP_PASSWORD")
        statement = connection.execute(
            text(
                "select format('CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                " PASSWORD %L', cast(:r as text), cast(:p as text))"
            ),
            {"r": role, "p": password},
        ).scalar()
        connection.exec_driver_sql(statement)
    quoted = connection.execute(text("select quote_ident(:r)"), {"r": role}).scalar()
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {quoted}")
    connection.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}")
    connection.exec_driver_sql(f"REVOKE ALL ON alembic_version FROM {quoted}")
    connection.exec_driver_sql(f"GRANT SELECT ON alembic_version TO {quoted}")
