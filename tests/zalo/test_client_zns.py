"""ZNS through the zalo_api over real HTTP against the sandbox (docs/zalo-oa.md §3): phones on the wire, outcomes."""

import json
from urllib.parse import parse_qs

import pytest

from platform_core.zalo.errors import Family, Outcome, ZaloApiError
from platform_core.zalo.phone import PhoneError

DAYTIME = "2026-03-02T10:00:00"
NIGHT = "2026-03-02T23:00:00"
PARAMS = [{"name": "ma_ho_so", "require": True, "type": "STRING", "maxLength": 30},
          {"name": "le_phi", "require": False, "type": "NUMBER", "maxLength": 12}]


@pytest.fixture
def zapp(zalo_sandbox):
    zalo_sandbox.set_clock(DAYTIME, running=True)
    return zalo_sandbox.add_app("bac-ninh", oa={"admin_phones": ["0987654321"]})


@pytest.fixture
def token(zalo_sandbox, zapp):
    return zalo_sandbox.mint_tokens(zapp.app_id)["access_token"]


@pytest.fixture
def template(zalo_sandbox):
    return zalo_sandbox.add_template("246810", template_name="Kết quả hồ sơ", listParams=PARAMS)


def send(zalo_api, token, phone="0912345678", template_id="246810", **kwargs):
    data = kwargs.pop("template_data", {"ma_ho_so": "H05-0001", "le_phi": 150000})
    return zalo_api.send_zns(token, phone, template_id, data, kwargs.pop("tracking_id", "dlv-0001"), **kwargs)


def sent_body(sandbox) -> dict:
    return json.loads(sandbox.requests(path_contains="/message/template")[-1]["body"])


def test_send_zns_request_shape_and_result(zalo_sandbox, zalo_api, token, template):
    result = send(zalo_api, token)
    entry = zalo_sandbox.requests(path_contains="/message/template")[-1]
    assert (entry["method"], entry["path"]) == ("POST", "/business/message/template")
    assert next(value for name, value in entry["headers"] if name == "access_token") == token
    assert json.loads(entry["body"]) == {"phone": "84912345678", "template_id": "246810", "tracking_id": "dlv-0001",
                                         "template_data": {"ma_ho_so": "H05-0001", "le_phi": "150000"}}
    assert result.msg_id and isinstance(result.sent_time, int)
    assert result.quota == {"dailyQuota": "5000", "remainingQuota": "4999"}


@pytest.mark.parametrize("phone", ["0912345678", "0912 345 678", "+84912345678", "+84 912 345 678", "84912345678"])
def test_phone_is_normalised_on_the_wire(zalo_sandbox, zalo_api, token, template, phone):
    send(zalo_api, token, phone=phone)
    assert sent_body(zalo_sandbox)["phone"] == "84912345678"


def test_a_landline_is_refused_before_any_request(zalo_sandbox, zalo_api, token, template):
    zalo_sandbox.clear_requests()
    with pytest.raises(PhoneError):
        send(zalo_api, token, phone="024 3825 3535")
    assert zalo_sandbox.requests(path_contains="/message/template") == []


def test_development_mode_reaches_admins_only(zalo_sandbox, zalo_api, token, template):
    result = send(zalo_api, token, phone="0987654321", development=True)
    assert sent_body(zalo_sandbox)["mode"] == "development" and result.msg_id
    with pytest.raises(ZaloApiError) as caught:
        send(zalo_api, token, phone="0912345678", development=True)
    assert (caught.value.code, caught.value.outcome) == (-127, Outcome.PERMANENT)


def test_invalid_token_is_minus_124_refresh(zalo_api, template):
    with pytest.raises(ZaloApiError) as caught:
        send(zalo_api, "not-a-token")
    error = caught.value
    assert (error.code, error.family, error.outcome) == (-124, Family.ZNS, Outcome.REFRESH_TOKEN)


def test_injected_minus_124_on_a_valid_token(zalo_sandbox, zalo_api, token, template):
    zalo_sandbox.inject_fault(path="/message/template", error=-124)
    with pytest.raises(ZaloApiError) as caught:
        send(zalo_api, token)
    assert caught.value.outcome is Outcome.REFRESH_TOKEN


def test_minus_100_on_zns_is_retry(zalo_sandbox, zalo_api, token, template):
    zalo_sandbox.inject_fault(path="/message/template", error=-100)
    with pytest.raises(ZaloApiError) as caught:
        send(zalo_api, token)
    assert caught.value.outcome is Outcome.RETRY  # on the OA API the same number is PERMANENT


def test_daily_quota_exhausted_defers(zalo_sandbox, zalo_api, template):
    small = zalo_sandbox.add_app("da-nang", oa={"zns_daily_quota": 1})
    token = zalo_sandbox.mint_tokens(small.app_id)["access_token"]
    assert send(zalo_api, token).quota == {"dailyQuota": "1", "remainingQuota": "0"}
    with pytest.raises(ZaloApiError) as caught:
        send(zalo_api, token, tracking_id="dlv-0002")
    assert (caught.value.code, caught.value.outcome) == (-144, Outcome.DEFER_QUOTA)


def test_night_restricted_template_defers_to_morning(zalo_sandbox, zalo_api, token):
    zalo_sandbox.add_template("13579", listParams=PARAMS, night_restricted=True)
    zalo_sandbox.set_clock(NIGHT)
    with pytest.raises(ZaloApiError) as caught:
        send(zalo_api, token, template_id="13579")
    assert (caught.value.code, caught.value.outcome) == (-133, Outcome.DEFER_NIGHT)


def test_unreachable_citizen_is_ineligible(zalo_sandbox, zalo_api, token, zapp, template):
    zalo_sandbox.add_user(zapp.app_id, phone="0912345678", zns_reachable=False)
    with pytest.raises(ZaloApiError) as caught:
        send(zalo_api, token)
    assert (caught.value.code, caught.value.outcome) == (-114, Outcome.INELIGIBLE)


def test_missing_template_parameter_is_permanent(zalo_api, token, template):
    with pytest.raises(ZaloApiError) as caught:
        send(zalo_api, token, template_data={"le_phi": 1})
    assert (caught.value.code, caught.value.outcome) == (-1122, Outcome.PERMANENT)


def test_a_tracking_id_is_required(zalo_api, token, template):
    with pytest.raises(ValueError, match="tracking_id"):
        send(zalo_api, token, tracking_id="")


def test_zns_status(zalo_sandbox, zalo_api, token, template):
    sent = send(zalo_api, token)
    status = zalo_api.zns_status(token, sent.msg_id)
    entry = zalo_sandbox.requests(path_contains="/message/status")[-1]
    assert entry["method"] == "GET" and parse_qs(entry["query"]) == {"message_id": [sent.msg_id]}
    assert status.message_id == sent.msg_id and status.status in (0, 1)
    assert zalo_api.zns_status(token, "no-such-message").status == -1


def test_zns_quota(zalo_sandbox, zalo_api, token, template):
    send(zalo_api, token)
    quota = zalo_api.zns_quota(token)
    assert (quota.daily_quota, quota.remaining_quota) == (5000, 4999)
    assert zalo_sandbox.requests(path_contains="/message/quota")[-1]["method"] == "GET"


def test_zns_template(zalo_sandbox, zalo_api, token, template):
    info = zalo_api.zns_template(token, "246810")
    entry = zalo_sandbox.requests(path_contains="/template/info")[-1]
    assert (entry["method"], entry["path"]) == ("GET", "/business/template/info/v2")
    assert parse_qs(entry["query"]) == {"template_id": ["246810"]}
    assert (info.template_id, info.name, info.status, info.tag) == ("246810", "Kết quả hồ sơ", "ENABLE", "TRANSACTION")
    assert [param["name"] for param in info.params] == ["ma_ho_so", "le_phi"]
    with pytest.raises(ZaloApiError) as caught:
        zalo_api.zns_template(token, "000000")
    assert (caught.value.code, caught.value.outcome) == (-109, Outcome.PERMANENT)
