"""Meta-tests over the whole schema: every model declares its kind, tenant tables follow the key rules,
and the models match the migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from platform_core.db.base import Base, Global, TenantScoped
from platform_core.extensions import db

# registry.mappers is a set: sorted, so that every xdist worker collects the same test ids in the same order
MODELS = sorted((mapper.class_ for mapper in Base.registry.mappers), key=lambda model: model.__name__)
TENANT_MODELS = [model for model in MODELS if issubclass(model, TenantScoped)]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_tenant_scoped_or_explicitly_global(model):
    assert issubclass(model, TenantScoped) != issubclass(model, Global)


def test_every_table_with_a_tenant_column_is_accounted_for():
    """A Global table may carry tenant_id (memberships, history) only by explicit choice: list them here."""
    global_with_tenant_column = {"membership", "tenant_history", "tenant_slug_alias",
                                 "zalo_site_verification"}  # public files Zalo fetches at the domain root
    found = {
        model.__tablename__
        for model in MODELS
        if issubclass(model, Global) and "tenant_id" in model.__table__.columns
    }
    assert found == global_with_tenant_column


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_tenant_id_leads_the_primary_key(model):
    assert [c.name for c in model.__table__.primary_key.columns][:2] == ["tenant_id", "id"]


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_unique_constraints_and_foreign_keys_between_tenant_tables_include_tenant_id(model):
    table = model.__table__
    tenant_tables = {m.__tablename__ for m in TENANT_MODELS}
    for constraint in table.constraints:
        columns = [c.name for c in getattr(constraint, "columns", [])]
        if constraint.__class__.__name__ == "UniqueConstraint":
            assert columns[0] == "tenant_id", f"{table.name}: unique {columns} must start with tenant_id"
    for fk in table.foreign_key_constraints:
        if fk.referred_table.name in tenant_tables:
            assert "tenant_id" in [c.name for c in fk.columns], f"{table.name}: {fk.name} lacks tenant_id"



@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_every_tenant_row_is_tied_to_a_tenant_that_exists(model):
    """By its own foreign key to tenant, or (`tenant_implied_by_parent`) by a key whose every column is NOT NULL
    to another tenant table, which has its own."""
    table = model.__table__
    direct = [fk for fk in table.foreign_key_constraints
              if fk.referred_table.name == "tenant" and [c.name for c in fk.columns] == ["tenant_id"]]
    if not model.tenant_implied_by_parent:
        assert direct, f"{table.name}: tenant_id is no foreign key to tenant"
        return
    assert not direct, f"{table.name}: says its tenant is implied, yet keeps a key to tenant"
    parents = [fk.referred_table.name for fk in table.foreign_key_constraints
               if fk.referred_table.name in {m.__tablename__ for m in TENANT_MODELS}
               and not any(column.nullable for column in fk.columns)]
    assert parents, f"{table.name}: no NOT NULL key to another tenant table implies its tenant"

def test_models_match_the_migrations(app, database_urls):
    engine = create_engine(database_urls["owner"])
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_have_a_single_head(app):
    scripts = ScriptDirectory(app.extensions["migrate"].directory)
    assert len(scripts.get_heads()) == 1
