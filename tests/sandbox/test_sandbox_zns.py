"""business.openapi.zalo.me in the sandbox: ZNS by phone and by hash, template checks, limits, read APIs."""

import pytest

from platform_core.sandbox.phones import normalise_phone, phone_hash

SEND = "/message/template"
PARAMS = [{"name": "customer_name", "require": True, "type": "STRING", "maxLength": 30},
          {"name": "dossier_code", "require": True, "type": "STRING", "maxLength": 40},
          {"name": "due_date", "require": False, "type": "DATE", "maxLength": 20}]


@pytest.fixture
def template(zalo_sandbox):
    return zalo_sandbox.add_template("231001", template_name="Thông báo hồ sơ", listParams=PARAMS)


def zns(phone="0912345678", template_id="231001", **overrides):
    return {"phone": phone, "template_id": template_id, "tracking_id": "dossier-42",
            "template_data": {"customer_name": "Nguyễn Văn An", "dossier_code": "000.00.24.H01-260301-0001"},
            **overrides}


@pytest.mark.parametrize("phone", ["0912345678", "84912345678", "+84912345678", "912345678", "+84 912 345 678"])
def test_phone_forms_are_accepted(province, template, phone):
    body = province.post("business", SEND, zns(phone))
    assert body["error"] == 0
    [message] = province.sandbox.messages()
    assert message["user_id"] == "84912345678"


@pytest.mark.parametrize("phone", ["", "12345", "0212345678", "abc", "8491234567899"])
def test_unparseable_phone_is_108(province, template, phone):
    assert province.post("business", SEND, zns(phone))["error"] == -108


def test_success_body_has_strings(province, template):
    data = province.post("business", SEND, zns())["data"]
    assert data["sending_mode"] == "1" and data["sent_time"].isdigit() and data["msg_id"]
    assert data["quota"] == {"dailyQuota": "5000", "remainingQuota": "4999"}


@pytest.mark.parametrize(("overrides", "code"), [
    ({"template_id": "999"}, -109),
    ({"tracking_id": ""}, -132),
    ({"template_data": {"dossier_code": "x"}}, -1122),
    ({"template_data": {"customer_name": "x" * 31, "dossier_code": "x"}}, -1121),
    ({"template_data": {"customer_name": "An", "dossier_code": "x", "due_date": "mai"}}, -1124),
    ({"template_data": {"customer_name": ["An"], "dossier_code": "x"}}, -1124),
    ({"sending_mode": "2"}, -161),
    ({"sending_mode": "3"}, -162),
])
def test_request_problems(province, template, overrides, code):
    assert province.post("business", SEND, zns(**overrides))["error"] == code


def test_template_not_enabled_is_131(province, zalo_sandbox):
    zalo_sandbox.add_template("231002", status="PENDING_REVIEW", listParams=PARAMS)
    assert province.post("business", SEND, zns(template_id="231002"))["error"] == -131


def test_night_template(province, zalo_sandbox):
    zalo_sandbox.add_template("231003", night_restricted=True, listParams=PARAMS)
    zalo_sandbox.set_clock("2026-03-02T22:30:00")
    assert province.post("business", SEND, zns(template_id="231003"))["error"] == -133
    zalo_sandbox.set_clock("2026-03-03T06:00:00")
    province.token = zalo_sandbox.mint_tokens(province.app.app_id)["access_token"]
    assert province.post("business", SEND, zns(template_id="231003"))["error"] == 0


def test_daily_quota_then_next_day(province, template, zalo_sandbox):
    zalo_sandbox.add_app("an-giang")  # another OA, to show the quota is the OA's own
    province.sandbox.state.oas[province.app.oa_id].zns_daily_quota = 2
    zalo_sandbox.set_clock("2026-03-02T09:00:00")
    assert [province.post("business", SEND, zns())["error"] for _ in range(3)] == [0, 0, -144]
    zalo_sandbox.set_clock("2026-03-03T09:00:00")
    province.token = zalo_sandbox.mint_tokens(province.app.app_id)["access_token"]
    assert province.post("business", SEND, zns())["error"] == 0


def test_unreachable_user_is_114(province, template):
    province.add_user(display_name="Vũ Thị Hoa", phone="0987654321", zns_reachable=False)
    assert province.post("business", SEND, zns("0987654321"))["error"] == -114


def test_development_mode_reaches_only_admins(zalo_sandbox, template):
    from tests.sandbox.conftest import Province
    app = zalo_sandbox.add_app("bac-ninh", oa={"admin_phones": ["0900000001"]})
    province = Province(zalo_sandbox, app, zalo_sandbox.mint_tokens(app.app_id)["access_token"])
    assert province.post("business", SEND, zns(mode="development"))["error"] == -127
    data = province.post("business", SEND, zns("0900000001", mode="development"))["data"]
    assert set(data) == {"msg_id", "sent_time"}


@pytest.mark.parametrize("path", ["/message/template/hashphone", "/message/template/hash_phone"])
def test_hash_phone(province, template, path):
    hashed = phone_hash(normalise_phone("0912345678"))
    body = zns()
    del body["phone"]
    assert province.post("business", path, {**body, "hash_phone": hashed})["error"] == 0
    assert province.post("business", path, {**body, "hash_phone": "not-a-hash"})["error"] == -108


def test_status_and_delivery_receipt(province, template, zalo_sandbox, receiver):
    zalo_sandbox.state.apps[province.app.app_id].webhook_url = receiver.url
    msg_id = province.post("business", SEND, zns())["data"]["msg_id"]
    assert province.get("business", "/message/status", message_id=msg_id)["data"]["status"] == 0
    assert province.get("business", "/message/status", message_id="nope")["data"]["status"] == -1
    zalo_sandbox.settings(receipt_delay_ms=0)
    second = province.post("business", SEND, zns())["data"]["msg_id"]
    zalo_sandbox.wait_for(lambda: province.get("business", "/message/status", message_id=second)["data"]["status"] == 1)
    [received] = zalo_sandbox.wait_for(lambda: receiver.received)
    assert received["headers"]["X-Zevent-Server"] == "ZNS"
    assert b'"recipient":{"id":"84912345678"}' in received["body"] and b'"tracking_id":"dossier-42"' in received["body"]


def test_quota_and_template_reads(province, template, zalo_sandbox):
    zalo_sandbox.add_template("231004", status="DISABLE")
    province.post("business", SEND, zns())
    assert province.get("business", "/message/quota")["data"]["remainingQuota"] == "4999"
    info = province.get("business", "/template/info/v2", template_id="231001")["data"]
    assert info["status"] == "ENABLE" and info["listParams"][0]["name"] == "customer_name"
    assert info["templateTag"] == "TRANSACTION"
    enabled = province.get("business", "/template/all", offset=0, limit=10, status=1)
    assert [t["templateId"] for t in enabled["data"]] == ["231001"] and enabled["metadata"]["total"] == 1
    assert province.get("business", "/template/all", limit=101)["error"] == -132
