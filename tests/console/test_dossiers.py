"""The console's dossiers: search however the code is typed or by phone, the list, and a dossier's page."""

import pytest

from platform_core.console import service
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from tests import factories
from tests.conftest import CANARY, as_tenant
from tests.console.support import text_of

CODE = "000.00.24.H04-251128-0001"


@pytest.fixture
def dossiers_a(tenant_a):
    with as_tenant(tenant_a):
        found = factories.create_dossier(CODE, applicant={"name": "Trần Thị Bình", "phone": "0987 654 321"})
        other = factories.create_dossier("000.00.24.H04-251128-0002")
        return found, other


@pytest.fixture
def dossier_b(tenant_b):
    with as_tenant(tenant_b):
        return factories.create_dossier(f"{CANARY}-H04-0001", applicant={"name": f"Người {CANARY}",
                                                                         "phone": "0987654321"})


@pytest.mark.parametrize("typed", [CODE, "000.00.24.h04–251128–0001", "00000 24 H04 2511280001", "h04-251128-0001"])
def test_a_code_is_found_however_it_is_typed(dossiers_a, tenant_a, typed):
    with as_tenant(tenant_a):
        assert [row.dossier.code for row in service.search_dossiers(typed, 1).items] == [CODE]


@pytest.mark.parametrize("typed", ["0987654321", "0987 654 321", "+84987654321"])
def test_a_dossier_is_found_by_the_applicants_phone(dossiers_a, dossier_b, tenant_a, typed):
    with as_tenant(tenant_a):
        assert [row.dossier.code for row in service.search_dossiers(typed, 1).items] == [CODE]


def test_a_short_fragment_must_match_a_whole_code(dossiers_a, tenant_a):
    with as_tenant(tenant_a):
        assert service.search_dossiers("24", 1).items == []


def test_the_list_shows_status_and_the_last_notification(officer_a, dossiers_a, tenant_a):
    with as_tenant(tenant_a):
        delivery = db.session.scalar(db.select(Delivery).join(
            Delivery.notification).where(Delivery.notification.has(dossier_id=dossiers_a[0].id)))
        delivery.state, delivery.channel, delivery.error_code = "failed", "transaction", -213
        db.session.flush()
    html = text_of(officer_a.client.get("/bac-ninh/admin/dossiers?q=h04 251128 0001"))
    assert CODE in html and "251128-0002" not in html
    assert "Đã tiếp nhận" in html  # status 2, received
    assert "Người dân chưa quan tâm OA." in html


def test_a_dossiers_page_shows_its_events_and_messages(officer_a, dossiers_a, tenant_a):
    response = officer_a.client.get(f"/bac-ninh/admin/dossiers/{dossiers_a[0].id}")
    html = text_of(response)
    assert response.status_code == 200
    assert "Trần Thị Bình" in html and "Đăng ký thường trú" in html  # the procedure's name
    assert 'class="timeline"' in html and 'class="badge badge--pending"' in html  # its event, its message
    assert 'href="/bac-ninh/admin/dossiers" aria-current="page"' in html  # still under "Dossiers" in the nav


def test_another_provinces_dossier_is_404_and_never_listed(admin_a, officer_a, dossiers_a, dossier_b, tenant_b):
    with as_tenant(tenant_b):
        assert len(service.search_dossiers("H04-0001", 1).items) == 1  # in B, the query finds B's dossier
    assert admin_a.client.get(f"/bac-ninh/admin/dossiers/{dossier_b.id}").status_code == 404
    assert officer_a.client.get(f"/bac-ninh/admin/dossiers/{dossier_b.id}").status_code == 404
    for query in ("", "H04-0001", "0987654321"):
        assert CANARY not in text_of(admin_a.client.get(f"/bac-ninh/admin/dossiers?q={query}"))


def test_another_provinces_admin_cannot_open_our_dossiers(admin_b, dossiers_a):
    assert admin_b.client.get("/bac-ninh/admin/dossiers").status_code == 404
    assert admin_b.client.get(f"/bac-ninh/admin/dossiers/{dossiers_a[0].id}").status_code == 404
    assert admin_b.client.get(f"/da-nang/admin/dossiers/{dossiers_a[0].id}").status_code == 404


def test_a_malformed_id_or_page_is_not_an_error(officer_a, dossiers_a):
    assert officer_a.client.get("/bac-ninh/admin/dossiers/not-an-id").status_code == 404
    assert officer_a.client.get("/bac-ninh/admin/dossiers?page=abc").status_code == 200
