"""The webhook emitter: payload shapes, the signature formula, tamper modes, duplicates, retries, receipts."""

import hashlib
import json
import socket

import pytest

from platform_core.sandbox.webhooks import TAMPER_MODES


@pytest.fixture
def zapp(zalo_sandbox, receiver):
    return zalo_sandbox.add_app("bac-ninh", webhook_url=receiver.url)


@pytest.fixture
def citizen(zalo_sandbox, zapp):
    return zalo_sandbox.add_user(zapp.app_id, display_name="Nguyễn Thị Mai", phone="0912345678")


def expected_mac(app, raw: bytes) -> str:
    """docs/zalo-oa.md §5, recomputed independently: sha256(app_id + raw body + body.timestamp + OA secret key)."""
    timestamp = json.loads(raw)["timestamp"]
    signed = app.app_id.encode() + raw + timestamp.encode() + app.oa_secret_key.encode()
    return "mac=" + hashlib.sha256(signed).hexdigest()


def only(receiver) -> dict:
    [item] = receiver.received
    return item


def test_signature_is_sha256_of_app_id_body_timestamp_secret(zalo_sandbox, zapp, citizen, receiver):
    zalo_sandbox.set_clock(1772420400123)
    record = zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"], text="Cho tôi hỏi hồ sơ")
    item = only(receiver)
    assert record["status"] == 200 and record["state"] == "delivered" and record["latency_ms"] >= 0
    assert item["headers"]["X-Zevent-Signature"] == expected_mac(zapp, item["body"])
    assert item["headers"]["Content-Type"] == "application/json"
    body = json.loads(item["body"])
    assert body["timestamp"] == "1772420400123"
    assert body["sender"] == {"id": citizen["user_id"]} and body["recipient"] == {"id": zapp.oa_id}
    assert body["message"]["text"] == "Cho tôi hỏi hồ sơ" and body["message"]["msg_id"]
    assert body["user_id_by_app"] == citizen["user_id_by_app"] and body["app_id"] == zapp.app_id


@pytest.mark.parametrize("mode", [m for m in TAMPER_MODES if m != "stale_timestamp"])
def test_tamper_modes_break_the_signature(zalo_sandbox, zapp, citizen, receiver, mode):
    zalo_sandbox.add_app("da-nang")  # wrong_secret uses another tenant's key
    zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"], tamper=mode)
    item = only(receiver)
    assert item["headers"].get("X-Zevent-Signature") != expected_mac(zapp, item["body"])


def test_uppercase_and_unprefixed_variants_hide_the_right_digest(zalo_sandbox, zapp, citizen, receiver):
    zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"], tamper="uppercase_hex")
    zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"], tamper="no_prefix")
    upper, bare = receiver.received
    assert upper["headers"]["X-Zevent-Signature"] == expected_mac(zapp, upper["body"]).upper().replace("MAC=", "mac=")
    assert "mac=" + bare["headers"]["X-Zevent-Signature"] == expected_mac(zapp, bare["body"])


def test_stale_timestamp_is_signed_correctly_but_old(zalo_sandbox, zapp, citizen, receiver):
    now = zalo_sandbox.now_ms()
    zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"], tamper="stale_timestamp")
    item = only(receiver)
    assert item["headers"]["X-Zevent-Signature"] == expected_mac(zapp, item["body"])
    assert now - int(json.loads(item["body"])["timestamp"]) >= 3 * 3600 * 1000


def test_delivery_twice_sends_identical_bytes(zalo_sandbox, zapp, citizen, receiver):
    record = zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"], twice=True)
    first, second = receiver.bodies()
    assert first == second and len(record["attempts"]) == 2 and record["attempts"][1]["duplicate"]


@pytest.mark.parametrize(("event", "fields", "check"), [
    ("follow", {"source": "oa_profile"},
     lambda b, app, user: b["oa_id"] == app.oa_id and b["follower"] == {"id": user["user_id"]} and "sender" not in b),
    ("unfollow", {}, lambda b, app, user: b["event_name"] == "unfollow" and b["follower"]["id"] == user["user_id"]),
    ("user_submit_info", {"phone": "0987654321", "address": "Số 1 Lý Thái Tổ"},
     lambda b, app, user: b["info"]["phone"] == 84987654321 and b["recipient"] == {"id": app.oa_id}),
    ("user_received_message", {"msg_id": "m1"},
     lambda b, app, user: b["message"] == {"msg_id": "m1"} and b["sender"] == {"id": app.oa_id}),
    ("user_seen_message", {"msg_ids": ["m1", "m2"]}, lambda b, app, user: b["message"]["msg_ids"] == ["m1", "m2"]),
    ("oa_send_text", {"text": "Đã nhận", "msg_id": "m3"},
     lambda b, app, user: b["sender"]["id"] == app.oa_id and b["recipient"]["id"] == user["user_id"]),
    ("user_withdraw", {}, lambda b, app, user: b["oa_id"] == app.oa_id and b["user_id"] == user["user_id"]),
    ("user_click_chatnow", {}, lambda b, app, user: b["user_id_by_app"] == user["user_id_by_app"]),
])
def test_event_shapes(zalo_sandbox, zapp, citizen, receiver, event, fields, check):
    zalo_sandbox.emit(event, zapp.app_id, user_id=citizen["user_id"], **fields)
    body = json.loads(only(receiver)["body"])
    assert body["event_name"] == event and isinstance(body["timestamp"], str)
    assert check(body, zapp, citizen)


def test_zns_receipt_has_the_zns_server_header(zalo_sandbox, zapp, receiver):
    zalo_sandbox.emit("zns_user_received_message", zapp.app_id, phone="84912345678", msg_id="z1", tracking_id="t1")
    item = only(receiver)
    body = json.loads(item["body"])
    assert item["headers"]["X-Zevent-Server"] == "ZNS" and body["event_name"] == "user_received_message"
    assert body["recipient"] == {"id": "84912345678"} and body["message"]["tracking_id"] == "t1"
    assert item["headers"]["X-Zevent-Signature"] == expected_mac(zapp, item["body"])


def test_change_template_status(zalo_sandbox, zapp, receiver):
    zalo_sandbox.emit("change_template_status", zapp.app_id, template_id="231001", new_status="DISABLE")
    body = json.loads(only(receiver)["body"])
    assert body["status"] == {"prev_status": "PENDING_REVIEW", "new_status": "DISABLE"}


def test_non_200_is_a_strike_and_not_retried(zalo_sandbox, zapp, citizen, receiver):
    receiver.status = 500
    record = zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"])
    assert record["status"] == 500 and record["attempts"][0]["strike"] and record["state"] == "delivered"
    assert zalo_sandbox.state.apps[zapp.app_id].webhook_strikes == 1


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/zalo/webhook/bac-ninh"


def test_connection_failures_are_retried_on_schedule_then_disable(zalo_sandbox, citizen, zapp):
    zalo_sandbox.settings(retry_factor=0.0001)
    zalo_sandbox._call("POST", f"/apps/{zapp.app_id}/webhook", json={"url": closed_port_url()})
    zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"])
    [record] = zalo_sandbox.wait_for(lambda: [d for d in zalo_sandbox.deliveries() if d["state"] == "disabled"])
    assert [a["num_retry"] for a in record["attempts"]] == [0, 1, 2, 3, 4, 5]
    assert zalo_sandbox.state.apps[zapp.app_id].webhook_disabled


def test_a_retry_carries_num_retry(zalo_sandbox, citizen, zapp, receiver):
    zalo_sandbox.settings(retry_factor=0.01)  # first retry after 0.3 s
    zalo_sandbox._call("POST", f"/apps/{zapp.app_id}/webhook", json={"url": closed_port_url()})
    record = zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"])
    assert record["state"] == "retrying"
    zalo_sandbox._call("POST", f"/apps/{zapp.app_id}/webhook", json={"url": receiver.url})
    item = zalo_sandbox.wait_for(lambda: receiver.received)[0]
    assert item["raw_headers"]["num_retry"] == "1"


# --- scenario hooks -------------------------------------------------------------------------------------------

def test_user_text_opens_the_cs_window_and_follow_sets_follower(zalo_sandbox, zapp):
    user = zalo_sandbox.add_user(zapp.app_id, display_name="Đỗ Văn Nam", is_follower=False)
    zalo_sandbox.set_clock("2026-03-02T09:00:00")
    zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=user["user_id"])
    zalo_sandbox.emit("follow", zapp.app_id, user_id=user["user_id"])
    stored = zalo_sandbox.state.user(zapp.oa_id, user["user_id"])
    assert stored.last_interaction_ms == zalo_sandbox.now_ms() and stored.is_follower


def test_unknown_user_writing_becomes_a_user_of_that_oa(zalo_sandbox, zapp):
    zalo_sandbox.emit("user_send_text", zapp.app_id, user_id="1234567890123456789")
    assert zalo_sandbox.state.user(zapp.oa_id, "1234567890123456789") is not None


def test_send_is_followed_by_received_and_seen(zalo_sandbox, zapp, receiver):
    zalo_sandbox.settings(receipt_delay_ms=0, seen_after_receipt=True, echo_sends=True)
    user = zalo_sandbox.add_user(zapp.app_id, display_name="Bùi Văn Long", last_interaction="now")
    token = zalo_sandbox.mint_tokens(zapp.app_id)["access_token"]
    sent = zalo_sandbox.http.post(f"{zalo_sandbox.openapi_url}/v3.0/oa/message/cs", headers={"access_token": token},
                                  json={"recipient": {"user_id": user["user_id"]}, "message": {"text": "Chào"}})
    msg_id = sent.json()["data"]["message_id"]
    events = zalo_sandbox.wait_for(lambda: len(receiver.received) >= 3 and [json.loads(b) for b in receiver.bodies()])
    by_name = {e["event_name"]: e for e in events}
    assert by_name["user_received_message"]["message"] == {"msg_id": msg_id}
    assert by_name["user_seen_message"]["message"] == {"msg_ids": [msg_id]}
    assert by_name["oa_send_text"]["message"]["msg_id"] == msg_id
    assert zalo_sandbox.wait_for(lambda: zalo_sandbox.messages(user_id=user["user_id"])[0]["status"] == "seen")


def test_non_text_user_events_carry_attachments(zalo_sandbox, zapp, citizen, receiver):
    zalo_sandbox.emit("user_send_location", zapp.app_id, user_id=citizen["user_id"])
    [attachment] = json.loads(only(receiver)["body"])["message"]["attachments"]
    assert attachment["type"] == "location" and set(attachment["payload"]["coordinates"]) == {"latitude", "longitude"}


def test_timestamp_header_switch(zalo_sandbox, zapp, citizen, receiver):
    zalo_sandbox.settings(send_timestamp_header=True)
    zalo_sandbox.emit("user_send_text", zapp.app_id, user_id=citizen["user_id"])
    item = only(receiver)
    assert item["headers"]["X-Zevent-Timestamp"] == json.loads(item["body"])["timestamp"]
