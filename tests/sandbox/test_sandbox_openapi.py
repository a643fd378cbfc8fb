"""openapi.zalo.me in the sandbox: the v3 sends with their validations and windows, users, OA info, uploads."""

import json

import pytest

from tests.sandbox.conftest import Province

CS, TRANSACTION, PROMOTION = "/v3.0/oa/message/cs", "/v3.0/oa/message/transaction", "/v3.0/oa/message/promotion"
DAY = 24 * 3600


def text_to(user_id, text="Hồ sơ của bạn đã được tiếp nhận"):
    return {"recipient": {"user_id": user_id}, "message": {"text": text}}


def transaction_to(user_id, **payload_overrides):
    payload = {"template_type": "transaction_order", "language": "VI", "elements": [
        {"type": "header", "content": "Hồ sơ đã có kết quả", "align": "left"},
        {"type": "text", "content": "Mời ông/bà đến nhận kết quả tại Trung tâm PVHCC."},
        {"type": "table", "content": [{"key": "Mã hồ sơ", "value": "000.00.24.H01-260301-0001"},
                                      {"key": "Trạng thái", "value": "Có kết quả", "style": "green"}]}],
        "buttons": [{"title": "Tra cứu hồ sơ", "image_icon": "", "type": "oa.query.show",
                     "payload": "#tracuu 000.00.24.H01-260301-0001"}]}
    payload.update(payload_overrides)
    return {"recipient": {"user_id": user_id},
            "message": {"attachment": {"type": "template", "payload": payload}}}


def promotion_to(user_id):
    body = transaction_to(user_id, template_type="promotion")
    body["message"]["attachment"]["payload"]["elements"] = [{"type": "header", "content": "Dịch vụ công mới"}]
    return body


@pytest.fixture
def citizen(province):
    return province.add_user(display_name="Nguyễn Văn An", phone="0912345678", last_interaction="now")


# --- cs --------------------------------------------------------------------------------------------------------

def test_cs_text_succeeds_with_free_reply_quota(province, citizen):
    body = province.post("openapi", CS, text_to(citizen["user_id"]))
    assert body["error"] == 0 and body["data"]["user_id"] == citizen["user_id"]
    assert body["data"]["quota"] == {"quota_type": "reply", "remain": "7", "total": "8"}
    [message] = province.sandbox.messages(user_id=citizen["user_id"])
    assert message["message_id"] == body["data"]["message_id"] and message["kind"] == "cs"


def test_ninth_reply_in_48h_is_paid_and_carries_no_quota(province, citizen):
    for _ in range(8):
        province.post("openapi", CS, text_to(citizen["user_id"]))
    body = province.post("openapi", CS, text_to(citizen["user_id"]))
    assert body["error"] == 0 and "quota" not in body["data"]


def test_a_new_interaction_resets_the_free_replies(province, citizen):
    for _ in range(8):
        province.post("openapi", CS, text_to(citizen["user_id"]))
    province.advance(60)
    province.sandbox.emit("user_send_text", province.app.app_id, user_id=citizen["user_id"], text="Cảm ơn")
    assert province.post("openapi", CS, text_to(citizen["user_id"]))["data"]["quota"]["remain"] == "7"


def test_cs_window_is_seven_days(province, citizen):
    province.advance(7 * DAY + 1)
    assert province.post("openapi", CS, text_to(citizen["user_id"]))["error"] == -230


def test_free_replies_end_after_48h_but_sending_goes_on(province, citizen):
    province.advance(2 * DAY + 1)
    body = province.post("openapi", CS, text_to(citizen["user_id"]))
    assert body["error"] == 0 and "quota" not in body["data"]


@pytest.mark.parametrize(("fields", "code"), [
    ({"last_interaction": None}, -232), ({"banned": True}, -227), ({"blocked": True}, -244)])
def test_cs_eligibility(province, fields, code):
    user = province.add_user(display_name="Trần Thị Bình", **{"last_interaction": "now", **fields})
    assert province.post("openapi", CS, text_to(user["user_id"]))["error"] == code


def test_unknown_or_foreign_user_is_invalid(province, zalo_sandbox):
    other = zalo_sandbox.add_app("da-nang")
    stranger = zalo_sandbox.add_user(other.app_id, display_name="Lê Văn Cường", last_interaction="now")
    body = province.post("openapi", CS, text_to(stranger["user_id"]))
    assert body == {"error": -201, "message": "user_id is invalid!"}


def test_cs_text_limit(province, citizen):
    assert province.post("openapi", CS, text_to(citizen["user_id"], "a" * 2000))["error"] == 0
    assert province.post("openapi", CS, text_to(citizen["user_id"], "a" * 2001))["error"] == -210


def test_image_by_uploaded_attachment_and_its_expiry(province, citizen):
    upload = province.raw("POST", "openapi", "/v2.0/oa/upload/image",
                          files={"file": ("bien-nhan.png", b"\x89PNG fake", "image/png")}).json()
    attachment_id = upload["data"]["attachment_id"]
    media = {"recipient": {"user_id": citizen["user_id"]}, "message": {"text": "Biên nhận", "attachment": {
        "type": "template", "payload": {"template_type": "media",
                                        "elements": [{"media_type": "image", "attachment_id": attachment_id}]}}}}
    assert province.post("openapi", CS, media)["error"] == 0
    province.advance(7 * DAY + 1)
    province.sandbox.emit("user_send_text", province.app.app_id, user_id=citizen["user_id"])
    assert province.post("openapi", CS, media)["error"] == -100


def test_uploads_check_type_and_size(province):
    def upload(kind, name, size):
        return province.raw("POST", "openapi", f"/v2.0/oa/upload/{kind}", files={"file": (name, b"x" * size)}).json()
    assert upload("file", "ket-qua.pdf", 100)["data"]["token"]
    assert upload("image", "anh.gif", 100)["error"] == -201
    assert upload("image", "anh.jpg", 1024 * 1024 + 1)["error"] == -210


def test_request_user_info_template(province, citizen):
    body = {"recipient": {"user_id": citizen["user_id"]}, "message": {"attachment": {"type": "template", "payload": {
        "template_type": "request_user_info",
        "elements": [{"title": "Chia sẻ số điện thoại", "subtitle": "Để nhận thông báo hồ sơ", "image_url": ""}]}}}}
    assert province.post("openapi", CS, body)["error"] == 0


# --- transaction ----------------------------------------------------------------------------------------------

def test_valid_transaction_is_sent(province, citizen):
    body = province.post("openapi", TRANSACTION, transaction_to(citizen["user_id"]))
    assert body["error"] == 0 and "quota" not in body["data"]


CODE_ROW = {"key": "Mã hồ sơ", "value": "000.00.24.H01-260301-0001"}


def _with_rows(rows):
    return [{"type": "table", "content": rows}]


@pytest.mark.parametrize("overrides", [
    {"template_type": "transaction_dossier"},
    {"language": "FR"},
    {"elements": _with_rows([{"key": "Họ tên", "value": "An"}])},
    {"elements": _with_rows([{**CODE_ROW, "style": "green"}])},
    {"elements": _with_rows([CODE_ROW, {"key": "Trạng thái", "value": "x", "style": "pink"}])},
    {"elements": _with_rows([CODE_ROW] + [{"key": f"Dòng {i}", "value": "x"} for i in range(6)])},
    {"elements": [{"type": "header", "content": "x" * 101}] + _with_rows([CODE_ROW])},
    {"elements": [{"type": "text", "content": "t"}] * 3 + _with_rows([CODE_ROW])},
    {"buttons": [{"title": "Nút", "type": "oa.query.show", "payload": "#x"}] * 5},
    {"buttons": [{"title": "x" * 36, "type": "oa.query.show", "payload": "#x"}]},
    {"buttons": [{"title": "Gọi", "type": "oa.open.phone", "payload": {}}]},
    {"buttons": [{"title": "Gọi", "type": "oa.call", "payload": "x"}]},
])
def test_transaction_validation_gives_201(province, citizen, overrides):
    assert province.post("openapi", TRANSACTION, transaction_to(citizen["user_id"], **overrides))["error"] == -201


def test_customer_name_table_is_enough(province, citizen):
    rows = _with_rows([{"key": "Tên khách hàng", "value": "Nguyễn Văn An"}])
    assert province.post("openapi", TRANSACTION, transaction_to(citizen["user_id"], elements=rows))["error"] == 0


def test_transaction_window_is_a_year(province, citizen):
    province.advance(366 * DAY)
    assert province.post("openapi", TRANSACTION, transaction_to(citizen["user_id"]))["error"] == -232


# --- promotion ------------------------------------------------------------------------------------------------

def test_promotion_to_follower_by_day_once(province, citizen, zalo_sandbox):
    zalo_sandbox.set_clock("2026-03-02T10:00:00")
    assert province.post("openapi", PROMOTION, promotion_to(citizen["user_id"]))["error"] == 0
    assert province.post("openapi", PROMOTION, promotion_to(citizen["user_id"]))["error"] == -218
    zalo_sandbox.set_clock("2026-03-03T10:00:00")
    assert province.post("openapi", PROMOTION, promotion_to(citizen["user_id"]))["error"] == 0


@pytest.mark.parametrize(("time", "code"), [("21:59:59", 0), ("22:00:00", -234), ("05:59:59", -234),
                                            ("06:00:00", 0)])
def test_promotion_night_rule_in_vietnam_time(province, citizen, zalo_sandbox, time, code):
    zalo_sandbox.set_clock(f"2026-03-02T{time}")
    assert province.post("openapi", PROMOTION, promotion_to(citizen["user_id"]))["error"] == code


def test_promotion_needs_a_follower(province, zalo_sandbox):
    zalo_sandbox.set_clock("2026-03-02T10:00:00")
    user = province.add_user(display_name="Phạm Thị Dung", is_follower=False, last_interaction="now")
    assert province.post("openapi", PROMOTION, promotion_to(user["user_id"]))["error"] == -213


# --- quota, users, OA -----------------------------------------------------------------------------------------

def test_quota_of_a_user(province, citizen):
    province.post("openapi", CS, text_to(citizen["user_id"]))
    data = province.post("openapi", "/v3.0/oa/quota/message", {"user_id": citizen["user_id"]})["data"]
    assert data["cs_reply"] == {"remain": 7, "total": 8} and data["last_interaction"] > 0
    assert set(data["promotion"]) == {"daily_remain", "daily_total", "monthly_remain", "monthly_total"}


def test_user_detail_takes_a_json_query_parameter(province, citizen):
    body = province.get("openapi", "/v3.0/oa/user/detail", data=json.dumps({"user_id": citizen["user_id"]}))
    data = body["data"]
    assert data["display_name"] == "Nguyễn Văn An" and data["user_is_follower"] is True
    assert data["shared_info"]["phone"] == "84912345678" and data["user_id_by_app"]
    assert province.get("openapi", "/v3.0/oa/user/detail", data='{"user_id":"1"}')["error"] == -201


def test_user_list_limits_and_filters(province, citizen):
    province.add_user(display_name="Hoàng Văn Em", is_follower=False)
    listing = province.get("openapi", "/v3.0/oa/user/getlist", data=json.dumps({"offset": 0, "count": 50}))
    assert listing["data"]["total"] == 2
    followers = province.get("openapi", "/v3.0/oa/user/getlist", data='{"offset":0,"count":10,"is_follower":true}')
    assert followers["data"]["users"] == [{"user_id": citizen["user_id"]}]
    assert province.get("openapi", "/v3.0/oa/user/getlist", data='{"offset":0,"count":51}')["error"] == -210


def test_getoa_gives_both_id_spellings(province):
    data = province.get("openapi", "/v2.0/oa/getoa")["data"]
    assert data["oa_id"] == data["oaid"] == province.app.oa_id
    assert data["name"] == "Trung tâm PVHCC tỉnh Bắc Ninh" and data["oa_type"] == 4


def test_v2_message_api_is_shut_down(province, citizen):
    assert province.post("openapi", "/v2.0/oa/message", text_to(citizen["user_id"]))["error"] == -240


def test_permission_not_granted_gives_223(zalo_sandbox):
    app = zalo_sandbox.add_app("an-giang", permissions=["send_message"])
    token = zalo_sandbox.mint_tokens(app.app_id)["access_token"]
    assert Province(zalo_sandbox, app, token).get("openapi", "/v3.0/oa/user/getlist", data="{}")["error"] == -223


# --- conversations --------------------------------------------------------------------------------------------

def test_conversation_and_recent_chats(province, citizen):
    province.sandbox.emit("user_send_text", province.app.app_id, user_id=citizen["user_id"], text="Cho hỏi")
    province.post("openapi", CS, text_to(citizen["user_id"], "Dạ, anh cần hỏi gì ạ?"))
    chat = province.get("openapi", "/v2.0/oa/conversation",
                        data=json.dumps({"user_id": citizen["user_id"], "offset": 0, "count": 10}))["data"]
    assert [(m["src"], m["message"]) for m in chat] == [(0, "Dạ, anh cần hỏi gì ạ?"), (1, "Cho hỏi")]
    recent = province.get("openapi", "/v2.0/oa/listrecentchat", data='{"offset":0,"count":10}')["data"]
    assert [m["message"] for m in recent] == ["Dạ, anh cần hỏi gì ạ?"]
    assert province.get("openapi", "/v2.0/oa/listrecentchat", data='{"offset":0,"count":11}')["error"] == -210
