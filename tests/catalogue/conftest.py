"""Fixtures for the catalogue's console pages and imports: signed-in clients by role, in English (so that
the assertions do not depend on the Vietnamese catalogue), and helpers to upload files and read events."""

import io

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from tests import factories
from tests.auth.support import add_membership
from tests.auth.support import signed_in_english as signed_in
from tests.conftest import as_tenant


@pytest.fixture
def admin_a(tenant_a):
    return factories.create_user("admin-a@motcua.vn", tenant=tenant_a, role="admin")


@pytest.fixture
def admin_client(app, admin_a):
    """Province A's admin."""
    return signed_in(app, admin_a.email)


@pytest.fixture
def officer_client(app, tenant_a):
    factories.create_user("officer-a@motcua.vn", tenant=tenant_a, role="officer")
    return signed_in(app, "officer-a@motcua.vn")


@pytest.fixture
def admin_b_client(app, tenant_b):
    factories.create_user("admin-b@motcua.vn", tenant=tenant_b, role="admin")
    return signed_in(app, "admin-b@motcua.vn")


@pytest.fixture
def admin_of_both_client(app, tenant_a, tenant_b):
    """One person who administers both provinces."""
    user = factories.create_user("admin-ab@motcua.vn", tenant=tenant_a, role="admin")
    add_membership(user, tenant_b, "admin")
    return signed_in(app, user.email)


def upload(client, url: str, content: bytes | str, filename: str = "thu-tuc.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(url, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def procedures_of(tenant) -> dict[str, Procedure]:
    with as_tenant(tenant):
        rows = db.session.scalars(select(Procedure).execution_options(populate_existing=True))
        return {procedure.code: procedure for procedure in rows}


def events_of(tenant, action: str) -> list[AuditEvent]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))
