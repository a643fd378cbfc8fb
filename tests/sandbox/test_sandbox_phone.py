"""The phone view: Vietnamese pages, cards as a phone shows them, and forms that act as the citizen."""

import hashlib
import json
import re

import pytest

from tests.sandbox.conftest import Province

CARD = {"template_type": "transaction_order", "language": "VI", "elements": [
    {"type": "header", "content": "Hồ sơ đã có kết quả"},
    {"type": "text", "content": "Mời ông/bà đến nhận kết quả."},
    {"type": "table", "content": [{"key": "Mã hồ sơ", "value": "H01-0001"},
                                  {"key": "Trạng thái", "value": "Có kết quả", "style": "green"}]}],
    "buttons": [{"title": "Tra cứu hồ sơ", "type": "oa.query.show", "payload": "#tracuu H01-0001"},
                {"title": "Cổng dịch vụ công", "type": "oa.open.url", "payload": {"url": "https://dichvucong.gov.vn"}}]}


@pytest.fixture
def province(zalo_sandbox, receiver):
    app = zalo_sandbox.add_app("bac-ninh", oa_name="Trung tâm PVHCC tỉnh Bắc Ninh", webhook_url=receiver.url)
    return Province(zalo_sandbox, app, zalo_sandbox.mint_tokens(app.app_id)["access_token"])


@pytest.fixture
def citizen(province):
    return province.add_user(display_name="Nguyễn Văn An", phone="0912345678", last_interaction="now")


def page(province, path, **kwargs):
    response = province.sandbox.http.get(path, **kwargs)
    assert response.status_code == 200
    return response.text


def phone_path(province, citizen):
    return f"/phone/{province.app.oa_id}/{citizen['user_id']}"


def test_index_lists_oas_and_citizens(province, citizen):
    html = page(province, "/")
    assert "Trung tâm PVHCC tỉnh Bắc Ninh" in html and "Nguyễn Văn An" in html and "0912 345 678" in html
    assert phone_path(province, citizen) in html


def test_conversation_shows_cards_zns_and_texts(province, citizen, zalo_sandbox):
    province.post("openapi", "/v3.0/oa/message/cs", {"recipient": {"user_id": citizen["user_id"]},
                                                     "message": {"text": "Chào anh An"}})
    province.post("openapi", "/v3.0/oa/message/transaction", {"recipient": {"user_id": citizen["user_id"]},
                  "message": {"attachment": {"type": "template", "payload": CARD}}})
    zalo_sandbox.add_template("231002", template_name="Thông báo có kết quả hồ sơ",
                              preview="Hồ sơ <dossier_code> đã có kết quả.",
                              listParams=[{"name": "dossier_code", "require": True, "maxLength": 40}])
    province.post("business", "/message/template", {"phone": "+84912345678", "template_id": "231002",
                  "template_data": {"dossier_code": "H01-0001"}, "tracking_id": "t-1"})
    html = page(province, phone_path(province, citizen))
    assert "Nhập tin nhắn" in html and "Chào anh An" in html
    assert "Hồ sơ đã có kết quả" in html and 'class="status status-green">Có kết quả' in html
    assert 'value="#tracuu H01-0001"' in html and 'href="https://dichvucong.gov.vn"' in html
    assert "Thông báo ZNS" in html and "Hồ sơ H01-0001 đã có kết quả." in html
    assert page(province, phone_path(province, citizen) + "/conversation").count('class="bubble') == 3


def test_writing_as_the_citizen_posts_a_signed_webhook(province, citizen, receiver):
    response = province.sandbox.http.post(phone_path(province, citizen) + "/send", data={"text": "Hồ sơ của tôi?"})
    assert response.status_code == 302 and "delivery=" in response.headers["location"]
    [item] = receiver.received
    body = json.loads(item["body"])
    assert body["event_name"] == "user_send_text" and body["message"]["text"] == "Hồ sơ của tôi?"
    app = province.app
    digest = hashlib.sha256(app.app_id.encode() + item["body"] + body["timestamp"].encode()
                            + app.oa_secret_key.encode()).hexdigest()
    assert item["headers"]["X-Zevent-Signature"] == f"mac={digest}"
    html = page(province, response.headers["location"])
    assert "HTTP 200" in html and "Hồ sơ của tôi?" in html


def test_tapping_a_query_button_sends_its_payload(province, citizen, receiver):
    province.sandbox.http.post(phone_path(province, citizen) + "/tap", data={"payload": "#tracuu H01-0001"})
    assert json.loads(receiver.bodies()[0])["message"]["text"] == "#tracuu H01-0001"


def test_a_hide_buttons_payload_reaches_the_oa_but_not_the_chat(province, citizen, receiver):
    """Zalo shows an `oa.query.show` button's payload as the citizen's message, an `oa.query.hide` one's not."""
    card = {**CARD, "buttons": [{"title": "Hài lòng", "type": "oa.query.hide", "payload": "DG H01-0001 4"}]}
    province.post("openapi", "/v3.0/oa/message/transaction", {"recipient": {"user_id": citizen["user_id"]},
                                                              "message": {"attachment": {"type": "template",
                                                                                         "payload": card}}})
    path = phone_path(province, citizen)
    assert '<input type="hidden" name="type" value="oa.query.hide">' in page(province, path)
    for button_type, payload in (("oa.query.hide", "DG H01-0001 4"), ("oa.query.show", "#tracuu H01-0001")):
        province.sandbox.http.post(path + "/tap", data={"payload": payload, "type": button_type})
    assert [json.loads(body)["message"]["text"] for body in receiver.bodies()] == ["DG H01-0001 4",
                                                                                  "#tracuu H01-0001"]
    chat = page(province, path + "/conversation")
    assert re.findall(r'class="bubble user[^"]*".*?<div class="text">(.*?)</div>', chat, re.S) == ["#tracuu H01-0001"]


def test_follow_unfollow_and_share(province, citizen, receiver):
    http, path = province.sandbox.http, phone_path(province, citizen)
    http.post(path + "/follow", data={"action": "unfollow"})
    assert "Quan tâm OA" in page(province, path) and not province.sandbox.state.user(
        province.app.oa_id, citizen["user_id"]).is_follower
    http.post(path + "/share", data={"phone": "0987 654 321", "address": "Số 1 Lý Thái Tổ"})
    unfollow, share = (json.loads(b) for b in receiver.bodies())
    assert unfollow["event_name"] == "unfollow" and unfollow["follower"]["id"] == citizen["user_id"]
    assert share["info"]["phone"] == 84987654321 and share["info"]["address"] == "Số 1 Lý Thái Tổ"


def test_mark_seen_sends_the_unseen_ids(province, citizen, receiver):
    sent = province.post("openapi", "/v3.0/oa/message/cs", {"recipient": {"user_id": citizen["user_id"]},
                                                            "message": {"text": "Chào anh An"}})
    province.sandbox.http.post(phone_path(province, citizen) + "/seen")
    body = json.loads(receiver.bodies()[0])
    assert body["message"]["msg_ids"] == [sent["data"]["message_id"]]
    assert re.search(r"Đã xem", page(province, phone_path(province, citizen)))


def test_unknown_citizen_is_404(province):
    assert province.sandbox.http.get(f"/phone/{province.app.oa_id}/123").status_code == 404
