"""Only platform operators reach the console: everyone else is turned away before anything is read or done."""

import uuid

import pytest

from platform_core.extensions import db
from tests import factories
from tests.auth.support import csrf_token_from
from tests.operator.conftest import platform_events, signed_in

REQUEST_ID = uuid.UUID("0b9c3e1a-5d2f-4c7e-9a61-3f8e2d4b7c10")  # fixed: xdist workers must collect the same ids
PAGES = ["/operator/", "/operator/tenants/bac-ninh", "/operator/go-live", "/operator/queues", "/operator/zalo"]
ACTIONS = [
    "/operator/provinces/ha-noi/invite",
    "/operator/tenants/bac-ninh/suspend",
    "/operator/tenants/bac-ninh/resume",
    "/operator/tenants/bac-ninh/limits/tx",
    f"/operator/go-live/bac-ninh/{REQUEST_ID}/approve",
    f"/operator/go-live/bac-ninh/{REQUEST_ID}/reject",
    "/operator/queues/default/jobs/some-job/retry",
]
FORM = {"reason": "because", "tx-per_minute": "10", "tx-burst": "5", "ha-noi-email": "a@b.vn",
        "ha-noi-contact_name": "A", f"{REQUEST_ID}-reason": "no"}


@pytest.mark.parametrize("url", PAGES + ACTIONS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.post(url, data=FORM) if url in ACTIONS else client.get(url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", PAGES + ACTIONS)
def test_a_province_admin_gets_404_and_reads_nothing(admin_client, tenant_a, url):
    response = admin_client.post(url, data=FORM) if url in ACTIONS else admin_client.get(url)
    assert response.status_code == 404
    db.session.refresh(tenant_a)
    assert tenant_a.status == "live"
    assert platform_events("cross_tenant_access") == []


def test_an_officer_gets_404(app, tenant_a):
    client = signed_in(app, factories.create_user("officer-a@motcua.vn", tenant=tenant_a, role="officer"))
    assert client.get("/operator/").status_code == 404


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.mark.parametrize("url", ACTIONS)
def test_an_action_without_the_csrf_token_is_refused(operator_client, csrf_on, tenant_a, url):
    response = operator_client.post(url, data=FORM)
    assert response.status_code == 400
    db.session.refresh(tenant_a)
    assert tenant_a.status == "live"


def test_an_action_with_the_token_from_the_page_works(operator_client, csrf_on, tenant_a):
    page = operator_client.get("/operator/tenants/bac-ninh").get_data(as_text=True)
    response = operator_client.post("/operator/tenants/bac-ninh/suspend",
                                    data={"reason": "abuse report", "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.refresh(tenant_a)
    assert tenant_a.status == "suspended"


def test_the_home_page_links_operators_to_the_console(operator_client):
    assert 'href="/operator/"' in operator_client.get("/").get_data(as_text=True)
