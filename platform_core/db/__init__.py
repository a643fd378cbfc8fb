"""The database layer: the Flask-SQLAlchemy handle `db`, whose sessions scope every query to the tenant in
context (session.py, tenant_context.py), the table kinds (base.py), column types, RLS helpers and the one
audited way across tenants (cross_tenant.py). `platform_core.extensions` hands `db` on with the app's other
extensions; it is created here so that this layer imports nothing above it."""

from flask import has_app_context
from flask_sqlalchemy import SQLAlchemy

from platform_core.db.base import Base
from platform_core.db.session import TenantSession, resync_scoped_session
from platform_core.db.tenant_context import on_tenant_change

db = SQLAlchemy(model_class=Base, session_options={"class_": TenantSession})


def _resync_current_session() -> None:
    if has_app_context():
        resync_scoped_session(db.session)


on_tenant_change(_resync_current_session)
