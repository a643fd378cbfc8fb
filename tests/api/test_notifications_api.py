"""GET /api/v1/notifications/<id>: one notification and its deliveries; anything not the key's province is 404."""


import pytest

from platform_core.db.types import utcnow
from platform_core.extensions import db
from tests import factories
from tests.conftest import as_tenant
from tests.dossiers.support import CODE, bearer, notifications

URL = "/api/v1/notifications"


@pytest.fixture
def key_a(tenant_a):
    return bearer(tenant_a)


@pytest.fixture
def receipt_a(tenant_a):
    """The receipt notification of tenant A's dossier CODE."""
    with as_tenant(tenant_a):
        factories.create_dossier(CODE)
        return notifications()[0]


def test_shows_the_notification_and_each_deliverys_state(client, key_a, receipt_a):
    response = client.get(f"{URL}/{receipt_a.id}", headers=key_a)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["dossier_code"], body["event_kind"], body["simulated"]) == (
        str(receipt_a.id), CODE, "received", False)
    [delivery] = body["deliveries"]
    assert (delivery["state"], delivery["attempts"], delivery["channel"]) == ("pending", 0, None)


def test_shows_what_the_pipeline_recorded(client, key_a, receipt_a, tenant_a):
    with as_tenant(tenant_a):
        delivery = receipt_a.deliveries[0]
        delivery.state, delivery.channel, delivery.channel_reason = "failed", "zns", "no interaction within 7 days"
        delivery.sent_at, delivery.error_code, delivery.error_message = utcnow(), -124, "invalid phone"
        db.session.flush()
    [shown] = client.get(f"{URL}/{receipt_a.id}", headers=key_a).get_json()["deliveries"]
    assert (shown["state"], shown["channel"], shown["channel_reason"]) == (
        "failed", "zns", "no interaction within 7 days")
    assert (shown["error_code"], shown["error_message"]) == (-124, "invalid phone")
    assert shown["sent_at"].endswith("+07:00")


# A fixed unknown id: a random one would give each xdist worker a different test id.
@pytest.mark.parametrize("notification_id", ["not-a-uuid", "123", "5f0c2b7e-8d41-4a9b-b3e6-1c7a9d2e4f08"])
def test_a_malformed_or_unknown_id_is_404(client, key_a, notification_id):
    response = client.get(f"{URL}/{notification_id}", headers=key_a)
    assert response.status_code == 404
    assert response.get_json()["errors"]["_request"]


def test_another_provinces_notification_is_404(client, receipt_a, tenant_b):
    response = client.get(f"{URL}/{receipt_a.id}", headers=bearer(tenant_b))
    assert response.status_code == 404
    assert CODE not in response.get_data(as_text=True)


def test_no_key_is_401(client, receipt_a):
    assert client.get(f"{URL}/{receipt_a.id}").status_code == 401
