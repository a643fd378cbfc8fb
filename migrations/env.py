"""Alembic environment: runs as the schema owner (DATABASE_OWNER_URL), never as the app's runtime role.

On PostgreSQL an advisory lock makes concurrent `flask db upgrade` runs wait for each other, and after the
migrations the runtime role gets DML rights (no DDL, no RLS bypass) on every table.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy import create_engine, text

from platform_core.db import rls

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)  # keep the app's loggers
logger = logging.getLogger("alembic.env")

MIGRATION_LOCK_ID = 727_211_001  # any fixed number; shared by every process that migrates this database
target_db = current_app.extensions["migrate"].db


def owner_url() -> str:
    return current_app.config["DATABASE_OWNER_URL"]


def run_migrations_offline():
    context.configure(url=owner_url(), target_metadata=target_db.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def _skip_empty_autogenerate(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online():
    configure_args = dict(current_app.extensions["migrate"].configure_args)
    configure_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    engine = create_engine(owner_url())
    is_postgres = engine.dialect.name == "postgresql"
    with engine.connect() as connection:
        if is_postgres:
            connection.execute(text("select pg_advisory_lock(:id)"), {"id": MIGRATION_LOCK_ID})
            connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_db.metadata, **configure_args)
            with context.begin_transaction():
                context.run_migrations()
            if is_postgres:
                rls.grant_runtime_role(connection, current_app.config["DATABASE_APP_ROLE"])
                connection.commit()
        finally:
            if is_postgres:
                connection.execute(text("select pg_advisory_unlock(:id)"), {"id": MIGRATION_LOCK_ID})
                connection.commit()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
