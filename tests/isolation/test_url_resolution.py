"""`/<tenant-slug>/...`: the slug decides the tenant; unknown, suspended or merged tenants are 404."""

import pytest
from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.catalogue.models import Procedure
from platform_core.db.cross_tenant import cross_tenant
from platform_core.tenancy import service
from platform_core.tenancy.models import TenantSlugAlias
from tests.conftest import CANARY


def test_province_page_shows_only_its_own_data(client):
    response = client.get("/bac-ninh/")
    assert response.status_code == 200
    assert "Bắc Ninh" in response.get_data(as_text=True)
    assert CANARY not in response.get_data(as_text=True)


def test_unknown_slug_is_404(client):
    assert client.get("/khong-co-tinh-nay/").status_code == 404


@pytest.mark.parametrize("status", ["suspended", "merged"])
def test_unserved_tenant_is_404(client, tenant_a, db_session, status):
    tenant_a.status = status
    db_session.flush()
    assert client.get("/bac-ninh/").status_code == 404


def test_old_slug_redirects_to_the_successor(client, tenant_a, db_session):
    db_session.add(TenantSlugAlias(slug="bac-giang", tenant_id=tenant_a.id))
    db_session.flush()
    response = client.get("/bac-giang/")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/bac-ninh/")


def test_request_does_not_leak_its_tenant_into_the_next(client, app):
    client.get("/da-nang/")
    with app.test_request_context("/"):
        from platform_core.db.tenant_context import current_tenant

        assert current_tenant() is None


def test_cross_tenant_helper_needs_a_reason_and_is_audited(db_session):
    with pytest.raises(ValueError), cross_tenant(""):
        pass
    with cross_tenant("operator console: tenant list"):
        total = len(db_session.scalars(select(Procedure)).all())
    assert total >= 4
    reasons = db_session.scalars(
        select(PlatformAuditEvent.details).where(PlatformAuditEvent.action == "cross_tenant_access")
    ).all()
    assert {"reason": "operator console: tenant list"} in reasons


def test_reserved_slugs_are_refused():
    with pytest.raises(service.TenantError) as error:
        service.validate_slug("api")
    assert error.value.field == "slug"


def test_cross_tenant_access_is_refused_when_nothing_can_audit_it(db_session, monkeypatch):
    """db/ reaches the audit service only through the listener wiring.py registers: without it, no crossing."""
    from platform_core.db import cross_tenant as crossing

    monkeypatch.setattr(crossing, "_access_listeners", [])
    with pytest.raises(RuntimeError, match="cannot be audited"), cross_tenant("operator console: tenant list"):
        pytest.fail("the block must not run unaudited")
