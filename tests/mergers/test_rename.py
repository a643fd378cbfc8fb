"""A province becoming a centrally-run city (Resolution 39/2026/QH16 for Bắc Ninh, docs/domain.md §5.1): its
messages and pages say "thành phố Bắc Ninh" at once, and its history keeps the old kind."""

import pytest
from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.bot.lookup import desk
from platform_core.bot.welcome import welcome_text
from platform_core.extensions import db
from platform_core.tenancy.models import TenantHistory
from platform_core.tenancy.service import TenantError, rename
from tests import factories
from tests.conftest import as_tenant
from tests.dossiers.support import notifications


@pytest.fixture
def city(tenant_a):
    rename(tenant_a, unit_type="thanh_pho", legal_ref="39/2026/QH16")
    db.session.flush()
    return tenant_a


def test_messages_use_the_new_kind(city):
    with as_tenant(city):
        assert desk().place == "thành phố Bắc Ninh"
        assert "thành phố Bắc Ninh" in welcome_text()
        factories.create_dossier()
        context = notifications()[0].context
    assert (context["dia_danh"], context["ten_oa"], context["ten_tinh"]) == (
        "thành phố Bắc Ninh", "thành phố Bắc Ninh", "Bắc Ninh")


def test_pages_use_the_new_kind(city, client):
    html = client.get("/bac-ninh/?lang=vi").get_data(as_text=True)
    assert "<h1>Thành phố Bắc Ninh</h1>" in html and "Tỉnh Bắc Ninh" not in html
    form = client.get("/bac-ninh/phan-anh/?lang=vi").get_data(as_text=True)
    assert "thành phố Bắc Ninh" in form


def test_a_rename_keeps_the_old_name_and_is_audited(tenant_a):
    rename(tenant_a, name="Kinh Bắc", legal_ref="99/2030/QH17")
    db.session.flush()
    change = db.session.scalar(select(TenantHistory).where(TenantHistory.tenant_id == tenant_a.id,
                                                           TenantHistory.change == "rename"))
    assert (change.old_value, change.new_value) == ("Bắc Ninh", "Kinh Bắc")
    event = db.session.scalar(select(PlatformAuditEvent).where(PlatformAuditEvent.action == "tenant_renamed"))
    assert event.details["from"]["name"] == "Bắc Ninh"
    with pytest.raises(TenantError):
        rename(tenant_a, name="Kinh Bắc")  # nothing changes
    with pytest.raises(TenantError):
        rename(tenant_a, unit_type="quan")
