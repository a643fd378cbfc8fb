"""POST /zalo/webhook/<slug>: only genuine, fresh events for this tenant's OA are stored, once each."""

from sqlalchemy import func, select

from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import ALL_QUEUES
from platform_core.zalo.models import ZaloEvent
from tests.conftest import as_tenant
from tests.zalo.conftest import follow, now_ms, signed, user_text

URL = "/zalo/webhook/bac-ninh"


def stored_events(tenant) -> list[ZaloEvent]:
    with as_tenant(tenant):
        from platform_core.extensions import db

        return db.session.scalars(select(ZaloEvent)).all()


def test_signed_event_is_stored_and_nothing_is_queued_in_the_request(client, connected_a, tenant_a):
    """Zalo's request only stores the event: the pump's intake claims stored events in batches
    (zalo/intake.py, tests/zalo/test_intake.py), so no Redis round trip is paid per event."""
    queued_before = {name: open_queue(name).count for name in ALL_QUEUES}
    raw, headers = signed(user_text())
    response = client.post(URL, data=raw, headers=headers)
    assert response.status_code == 200 and response.get_json() == {"received": True, "duplicate": False}
    [event] = stored_events(tenant_a)
    assert (event.event_name, event.zalo_user_id, event.status) == ("user_send_text", "8000001", "received")
    assert event.raw_body.encode() == raw
    another, headers = signed(user_text(msg_id="second"))
    assert client.post(URL, data=another, headers=headers).status_code == 200
    assert {name: open_queue(name).count for name in ALL_QUEUES} == queued_before


def test_the_same_event_twice_is_stored_once(client, connected_a, tenant_a):
    raw, headers = signed(user_text(msg_id="dup-1"))
    assert client.post(URL, data=raw, headers=headers).get_json()["duplicate"] is False
    assert client.post(URL, data=raw, headers=headers).get_json()["duplicate"] is True
    assert len(stored_events(tenant_a)) == 1


def test_events_without_msg_id_are_deduplicated_by_identity(client, connected_a, tenant_a):
    raw, headers = signed(follow(timestamp=now_ms()))
    client.post(URL, data=raw, headers=headers)
    client.post(URL, data=raw, headers=headers)
    assert len(stored_events(tenant_a)) == 1


def test_another_tenants_oa_secret_key_is_401(client, connected_a, connected_b, tenant_a):
    raw, headers = signed(user_text(), secret="oa-secret-key-da-nang")
    assert client.post(URL, data=raw, headers=headers).status_code == 401
    assert stored_events(tenant_a) == []


def test_modified_body_is_401(client, connected_a, tenant_a):
    raw, headers = signed(user_text(text="HS-001"))
    response = client.post(URL, data=raw.replace(b"HS-001", b"HS-999"), headers=headers)
    assert response.status_code == 401 and stored_events(tenant_a) == []


def test_missing_signature_is_401(client, connected_a, tenant_a):
    raw, headers = signed(user_text())
    del headers["X-ZEvent-Signature"]
    assert client.post(URL, data=raw, headers=headers).status_code == 401
    assert stored_events(tenant_a) == []


def test_signature_without_mac_prefix_is_401(client, connected_a, tenant_a):
    raw, headers = signed(user_text())
    headers["X-ZEvent-Signature"] = headers["X-ZEvent-Signature"].removeprefix("mac=")
    assert client.post(URL, data=raw, headers=headers).status_code == 401


def test_stale_timestamp_is_401(client, connected_a, tenant_a):
    raw, headers = signed(user_text(timestamp=now_ms(-4 * 3600)))
    assert client.post(URL, data=raw, headers=headers).status_code == 401
    assert stored_events(tenant_a) == []


def test_future_timestamp_is_401(client, connected_a):
    raw, headers = signed(user_text(timestamp=now_ms(3600)))
    assert client.post(URL, data=raw, headers=headers).status_code == 401


def test_event_for_another_oa_is_401(client, connected_a, tenant_a):
    raw, headers = signed(user_text(oa_id="3003002"))
    assert client.post(URL, data=raw, headers=headers).status_code == 401
    assert stored_events(tenant_a) == []


def test_non_json_body_is_401(client, connected_a):
    raw, headers = signed(user_text())
    assert client.post(URL, data=b"not json", headers=headers).status_code == 401


def test_unknown_tenant_is_404(client):
    raw, headers = signed(user_text())
    assert client.post("/zalo/webhook/khong-ton-tai", data=raw, headers=headers).status_code == 404


def test_tenant_without_a_connection_is_404(client, tenant_b):
    raw, headers = signed(user_text(), slug="da-nang")
    assert client.post("/zalo/webhook/da-nang", data=raw, headers=headers).status_code == 404


def test_events_land_in_the_url_tenant_only(client, connected_a, connected_b, tenant_a, tenant_b):
    raw, headers = signed(user_text())
    client.post(URL, data=raw, headers=headers)
    assert len(stored_events(tenant_a)) == 1
    assert stored_events(tenant_b) == []


def test_intake_needs_no_csrf_token(app, client, connected_a):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        raw, headers = signed(user_text(msg_id="csrf-1"))
        assert client.post(URL, data=raw, headers=headers).status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_event_count_by_name(client, connected_a, tenant_a, db_session):
    for i in range(3):
        raw, headers = signed(user_text(msg_id=f"n-{i}"))
        client.post(URL, data=raw, headers=headers)
    with as_tenant(tenant_a):
        count = db_session.scalar(select(func.count()).select_from(ZaloEvent)
                                  .where(ZaloEvent.event_name == "user_send_text"))
    assert count == 3
