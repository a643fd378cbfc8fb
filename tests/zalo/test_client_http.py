"""The Zalo zalo_api over real HTTP against the sandbox: OAuth, OA messages, read endpoints, failures.

What goes on the wire is read back from the sandbox's request log (method, path, header names as sent,
raw body), so these tests check the zalo_api's requests, not a mock of them.
"""

import json
import logging
import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from platform_core.zalo import client as client_module
from platform_core.zalo.client import ZaloClient
from platform_core.zalo.errors import (
    Family,
    OAuthError,
    Outcome,
    RateLimit,
    ZaloApiError,
    ZaloTransportError,
)
from platform_core.zalo.messages import Button, CardError, PromotionCard, TableRow, TextBlock, TransactionCard
from platform_core.zalo.pkce import code_challenge, new_code_verifier

DAYTIME = "2026-03-02T10:00:00"  # Vietnam time: promotions are refused 22:00-06:00


@pytest.fixture
def zapp(zalo_sandbox):
    zalo_sandbox.set_clock(DAYTIME, running=True)
    return zalo_sandbox.add_app("bac-ninh", oa_name="UBND tỉnh Bắc Ninh")


@pytest.fixture
def tokens(zalo_sandbox, zapp):
    return zalo_sandbox.mint_tokens(zapp.app_id)


@pytest.fixture
def token(tokens):
    return tokens["access_token"]


@pytest.fixture
def citizen(zalo_sandbox, zapp):
    return zalo_sandbox.add_user(zapp.app_id, display_name="Nguyễn Văn An", phone="0912345678",
                                 last_interaction="now")


def last_request(sandbox, path: str) -> dict:
    entries = sandbox.requests(path_contains=path)
    assert entries, f"no request to {path}"
    return entries[-1]


def header(entry: dict, name: str) -> str | None:
    """A header by its exact name as sent (no case folding, no dash/underscore equivalence)."""
    return next((value for key, value in entry["headers"] if key == name), None)


def header_names(entry: dict) -> set[str]:
    return {key.lower() for key, _ in entry["headers"]}


def assert_authenticated_json_post(entry: dict, path: str, token: str) -> dict:
    assert (entry["method"], entry["path"]) == ("POST", path)
    assert header(entry, "access_token") == token
    assert not {"authorization", "access-token"} & header_names(entry)
    assert header(entry, "Content-Type") == "application/json"
    return json.loads(entry["body"])


def dossier_card(**changes) -> TransactionCard:
    card = TransactionCard(
        template_type="transaction_event",
        header=TextBlock("Hồ sơ đã có kết quả", "left"),
        text=TextBlock("Hồ sơ của ông/bà đã được giải quyết."),
        table=[TableRow("Mã hồ sơ", "000.00.12.H05-260302-0001"), TableRow("Trạng thái", "Đã có kết quả", "green")],
        buttons=[Button("Tra cứu hồ sơ", "oa.query.show", "#tracuu 000.00.12.H05-260302-0001")],
    )
    for name, value in changes.items():
        setattr(card, name, value)
    return card


# --- OA messages: the request shapes ------------------------------------------------------------------------

def test_send_text_request_shape_and_result(zalo_sandbox, zalo_api, token, citizen):
    result = zalo_api.send_text(token, citizen["user_id"], "Hồ sơ của ông/bà đã được tiếp nhận.")
    entry = last_request(zalo_sandbox, "/message/cs")
    body = assert_authenticated_json_post(entry, "/openapi/v3.0/oa/message/cs", token)
    assert body == {"recipient": {"user_id": citizen["user_id"]},
                    "message": {"text": "Hồ sơ của ông/bà đã được tiếp nhận."}}
    assert result.message_id and result.user_id == citizen["user_id"]
    assert result.quota == {"quota_type": "reply", "remain": "7", "total": "8"}
    assert result.rate_limit.limit == 4000


def test_send_text_with_quote(zalo_sandbox, zalo_api, token, citizen):
    first = zalo_api.send_text(token, citizen["user_id"], "Một")
    zalo_api.send_text(token, citizen["user_id"], "Trả lời", quote_message_id=first.message_id)
    body = json.loads(last_request(zalo_sandbox, "/message/cs")["body"])
    assert body["message"] == {"text": "Trả lời", "quote_message_id": first.message_id}


def test_send_image_request_shape(zalo_sandbox, zalo_api, token, citizen):
    zalo_api.send_image(token, citizen["user_id"], url="https://example.org/ket-qua.png", caption="Kết quả")
    body = assert_authenticated_json_post(last_request(zalo_sandbox, "/message/cs"),
                                          "/openapi/v3.0/oa/message/cs", token)
    assert body["message"] == {"text": "Kết quả", "attachment": {"type": "template", "payload": {
        "template_type": "media", "elements": [{"media_type": "image", "url": "https://example.org/ket-qua.png"}]}}}


def test_request_user_info_request_shape(zalo_sandbox, zalo_api, token, citizen):
    zalo_api.request_user_info(token, citizen["user_id"], "Cập nhật thông tin", "Để nhận thông báo hồ sơ",
                             "https://example.org/logo.png")
    body = assert_authenticated_json_post(last_request(zalo_sandbox, "/message/cs"),
                                          "/openapi/v3.0/oa/message/cs", token)
    assert body["message"]["attachment"]["payload"] == {"template_type": "request_user_info", "elements": [
        {"title": "Cập nhật thông tin", "subtitle": "Để nhận thông báo hồ sơ",
         "image_url": "https://example.org/logo.png"}]}


def test_send_transaction_request_shape(zalo_sandbox, zalo_api, token, citizen):
    card = dossier_card()
    result = zalo_api.send_transaction(token, citizen["user_id"], card)
    body = assert_authenticated_json_post(last_request(zalo_sandbox, "/message/transaction"),
                                          "/openapi/v3.0/oa/message/transaction", token)
    assert body == {"recipient": {"user_id": citizen["user_id"]}, "message": {"attachment": card.to_payload()}}
    assert result.message_id and result.quota is None  # a paid message carries no quota


def test_send_promotion_request_shape(zalo_sandbox, zalo_api, token, citizen):
    card = PromotionCard(header=TextBlock("Dịch vụ công trực tuyến"), text=TextBlock("Nộp hồ sơ ngay trên Zalo."),
                         buttons=[Button("Tìm hiểu", "oa.open.url", {"url": "https://dichvucong.gov.vn"})])
    result = zalo_api.send_promotion(token, citizen["user_id"], card)
    body = assert_authenticated_json_post(last_request(zalo_sandbox, "/message/promotion"),
                                          "/openapi/v3.0/oa/message/promotion", token)
    assert body["message"] == {"attachment": card.to_payload()}
    assert result.message_id


def test_cards_go_to_their_own_endpoint(zalo_api, token, citizen):
    with pytest.raises(TypeError):
        zalo_api.send_transaction(token, citizen["user_id"], PromotionCard(text=TextBlock("x")))
    with pytest.raises(TypeError):
        zalo_api.send_promotion(token, citizen["user_id"], dossier_card())


def test_invalid_card_is_refused_before_any_request(zalo_sandbox, zalo_api, token, citizen):
    zalo_sandbox.clear_requests()
    with pytest.raises(CardError):
        zalo_api.send_transaction(token, citizen["user_id"], dossier_card(table=[TableRow("Ghi chú", "x")]))
    assert zalo_sandbox.requests(path_contains="/message/") == []


def test_eligibility_errors_are_ineligible(zalo_sandbox, zalo_api, token, zapp):
    stranger = zalo_sandbox.add_user(zapp.app_id, last_interaction=-8 * 24 * 3600)
    with pytest.raises(ZaloApiError) as caught:
        zalo_api.send_text(token, stranger["user_id"], "Xin chào")
    assert (caught.value.code, caught.value.outcome, caught.value.family) == (-230, Outcome.INELIGIBLE, Family.OA)


# --- OAuth ------------------------------------------------------------------------------------------------

def test_permission_url_leads_to_a_code_that_exchanges_with_pkce(zalo_sandbox, zalo_api, zapp):
    verifier = new_code_verifier()
    url = zalo_api.permission_url(zapp.app_id, "https://motcua.example/zalo/oauth/callback", code_challenge(verifier),
                                "state-123")
    redirect = httpx.get(url, follow_redirects=False)
    assert redirect.status_code == 302
    callback = parse_qs(urlsplit(redirect.headers["location"]).query)
    assert callback["state"] == ["state-123"] and callback["oa_id"] == [zapp.oa_id]

    pair = zalo_api.exchange_code(zapp.app_id, zapp.app_secret, callback["code"][0], verifier)

    assert pair.expires_in == 90000 and pair.access_token and pair.refresh_token
    entry = last_request(zalo_sandbox, "/v4/oa/access_token")
    assert (entry["method"], entry["path"]) == ("POST", "/oauth/v4/oa/access_token")
    assert header(entry, "secret_key") == zapp.app_secret
    assert header(entry, "Content-Type") == "application/x-www-form-urlencoded"
    form = parse_qs(entry["body"])
    assert form == {"app_id": [zapp.app_id], "code": callback["code"], "grant_type": ["authorization_code"],
                    "code_verifier": [verifier]}
    assert zalo_api.oa_info(pair.access_token).oa_id == zapp.oa_id


def test_exchange_with_the_wrong_verifier_is_an_oauth_error(zalo_sandbox, zalo_api, zapp):
    code = zalo_sandbox.auth_code(zapp.app_id, code_challenge(new_code_verifier()))
    with pytest.raises(OAuthError) as caught:
        zalo_api.exchange_code(zapp.app_id, zapp.app_secret, code, new_code_verifier())
    assert caught.value.error_name and caught.value.http_status == 200


def test_refresh_returns_a_new_pair_and_burns_the_old_refresh_token(zalo_sandbox, zalo_api, zapp, tokens):
    pair = zalo_api.refresh(zapp.app_id, zapp.app_secret, tokens["refresh_token"])
    assert pair.refresh_token != tokens["refresh_token"] and pair.access_token != tokens["access_token"]
    assert isinstance(pair.expires_in, int)
    form = parse_qs(last_request(zalo_sandbox, "/v4/oa/access_token")["body"])
    assert form == {"app_id": [zapp.app_id], "refresh_token": [tokens["refresh_token"]],
                    "grant_type": ["refresh_token"]}
    with pytest.raises(OAuthError):
        zalo_api.refresh(zapp.app_id, zapp.app_secret, tokens["refresh_token"])  # single use (docs/zalo-oa.md §1)


def test_refresh_answered_with_an_error_body_and_http_200_returns_no_tokens(zalo_sandbox, zalo_api, zapp, tokens):
    zalo_sandbox.inject_fault(host="oauth", error=-14014, error_name="invalid_grant", message="refresh token used")
    with pytest.raises(OAuthError) as caught:
        zalo_api.refresh(zapp.app_id, zapp.app_secret, tokens["refresh_token"])
    error = caught.value
    assert (error.http_status, error.code, error.family) == (200, -14014, Family.OAUTH)
    assert (error.error_name, error.error_description) == ("invalid_grant", "refresh token used")
    assert error.outcome is Outcome.CONFIGURATION and not error.known


def test_refresh_with_a_wrong_secret_and_http_400(zalo_sandbox, zalo_api, zapp, tokens):
    zalo_sandbox.settings(oauth_error_http_status=400)
    with pytest.raises(OAuthError) as caught:
        zalo_api.refresh(zapp.app_id, "not-the-secret", tokens["refresh_token"])
    assert caught.value.http_status == 400 and caught.value.error_name == "invalid_secret_key"
    assert "not-the-secret" not in str(caught.value.raw)


def test_token_answer_without_a_refresh_token_is_refused(zalo_sandbox, zalo_api, zapp, tokens):
    zalo_sandbox.inject_fault(host="oauth", body={"access_token": "half-a-pair", "expires_in": "90000"})
    with pytest.raises(OAuthError) as caught:
        zalo_api.refresh(zapp.app_id, zapp.app_secret, tokens["refresh_token"])
    assert "no refresh_token" in caught.value.message and "half-a-pair" not in str(caught.value.raw)


@pytest.mark.parametrize(("body", "content_type"), [("", "text/plain"), ("  ", "text/plain"),
                                                    ("null", "application/json"), ("{}", "application/json"),
                                                    ("[]", "application/json")])
def test_an_empty_token_answer_is_a_refusal(zalo_sandbox, zalo_api, zapp, tokens, body, content_type):
    """Nothing granted is a refusal (docs/zalo-oa.md §1), not a network hiccup to retry."""
    zalo_sandbox.inject_fault(host="oauth", body=body, content_type=content_type)
    with pytest.raises(OAuthError) as caught:
        zalo_api.refresh(zapp.app_id, zapp.app_secret, tokens["refresh_token"])
    assert caught.value.http_status == 200 and caught.value.family is Family.OAUTH
    assert "empty answer" in caught.value.message


def test_unreadable_expires_in_means_refreshing_early(zalo_sandbox, zalo_api, zapp, tokens):
    zalo_sandbox.inject_fault(host="oauth", body={"access_token": "a", "refresh_token": "r", "expires_in": "soon"})
    assert zalo_api.refresh(zapp.app_id, zapp.app_secret, tokens["refresh_token"]).expires_in == 3600


def test_from_config_reads_the_three_base_urls(zalo_sandbox, token):
    config = {"ZALO_OAUTH_URL": zalo_sandbox.oauth_url + "/", "ZALO_OPENAPI_URL": zalo_sandbox.openapi_url,
              "ZALO_BUSINESS_URL": zalo_sandbox.business_url}
    with ZaloClient.from_config(config) as configured:
        assert configured.oauth_url == zalo_sandbox.oauth_url
        assert configured.oa_info(token).oa_id


# --- auth errors -> REFRESH_TOKEN ---------------------------------------------------------------------------

def test_unknown_token_is_minus_216(zalo_api, citizen):
    with pytest.raises(ZaloApiError) as caught:
        zalo_api.send_text("not-a-token", citizen["user_id"], "Xin chào")
    assert (caught.value.code, caught.value.outcome) == (-216, Outcome.REFRESH_TOKEN)


def test_injected_minus_216_on_a_valid_token(zalo_sandbox, zalo_api, token, citizen):
    zalo_sandbox.inject_fault(path="/message/cs", error=-216)
    with pytest.raises(ZaloApiError) as caught:
        zalo_api.send_text(token, citizen["user_id"], "Xin chào")
    assert caught.value.outcome is Outcome.REFRESH_TOKEN
    assert zalo_api.send_text(token, citizen["user_id"], "Xin chào").message_id  # retried once: goes through


def test_expired_token_is_minus_220(zalo_sandbox, zalo_api, token):
    zalo_sandbox.advance_clock(90_001)
    with pytest.raises(ZaloApiError) as caught:
        zalo_api.oa_info(token)
    assert (caught.value.code, caught.value.outcome) == (-220, Outcome.REFRESH_TOKEN)


# --- rate limit ----------------------------------------------------------------------------------------------

def test_minus_32_is_rate_limited_and_the_headers_are_read(zalo_sandbox, zalo_api, token):
    zalo_sandbox.set_rate_limit(2)
    assert zalo_api.oa_info(token).rate_limit == RateLimit(limit=2, remain=1)
    assert zalo_api.oa_info(token).rate_limit == RateLimit(limit=2, remain=0)
    with pytest.raises(ZaloApiError) as caught:
        zalo_api.oa_info(token)
    assert (caught.value.code, caught.value.outcome) == (-32, Outcome.RATE_LIMITED)
    assert caught.value.rate_limit == RateLimit(limit=2, remain=0)
    zalo_sandbox.advance_clock(60)
    assert zalo_api.oa_info(token).rate_limit.remain == 1  # the budget resets each minute


def test_answers_to_calls_made_side_by_side_read_as_over_httpx(zalo_sandbox, zalo_api, token, citizen):
    """Inside `side_by_side` the calls go over aiohttp and come back as `async_calls.Answer`: the result, the
    rate-limit headers, a -32 and an HTML 503 read exactly as the httpx answers of the tests above."""
    def send(text):
        try:
            return zalo_api.send_text(token, citizen["user_id"], text)
        except (ZaloApiError, ZaloTransportError) as error:
            return [error]  # as a value: `side_by_side` raises an exception it is given back

    zalo_sandbox.set_rate_limit(2)
    [first] = zalo_api.side_by_side(send, ["Một"])
    assert first.message_id and first.user_id == citizen["user_id"]
    assert first.quota == {"quota_type": "reply", "remain": "7", "total": "8"}
    assert first.rate_limit == RateLimit(limit=2, remain=1)
    [second, third] = zalo_api.side_by_side(send, ["Hai", "Ba"])
    [refused] = third if isinstance(third, list) else second
    assert (refused.code, refused.outcome, refused.rate_limit) == (-32, Outcome.RATE_LIMITED, RateLimit(2, 0))
    zalo_sandbox.advance_clock(60)
    zalo_sandbox.inject_fault(path="/message/cs", http_status=503, body="<html><h1>503 Service Unavailable</h1></html>")
    [[failed]] = zalo_api.side_by_side(send, ["Bốn"])
    assert (failed.outcome, failed.http_status, failed.family) == (Outcome.RETRY, 503, Family.OA)
    assert "503 Service Unavailable" in failed.raw


# --- transport failures -> ZaloTransportError (RETRY) ---------------------------------------------------------

def test_http_503_with_an_html_body(zalo_sandbox, zalo_api, token, citizen):
    zalo_sandbox.inject_fault(path="/message/cs", http_status=503, body="<html><h1>503 Service Unavailable</h1></html>")
    with pytest.raises(ZaloTransportError) as caught:
        zalo_api.send_text(token, citizen["user_id"], "Xin chào")
    assert (caught.value.outcome, caught.value.http_status, caught.value.family) == (Outcome.RETRY, 503, Family.OA)
    assert "503 Service Unavailable" in caught.value.raw


def test_invalid_json(zalo_sandbox, zalo_api, token):
    zalo_sandbox.inject_fault(path="/getoa", invalid_json=True)
    with pytest.raises(ZaloTransportError) as caught:
        zalo_api.oa_info(token)
    assert caught.value.outcome is Outcome.RETRY and caught.value.http_status == 200


def test_connection_reset_then_the_pool_recovers(zalo_sandbox, zalo_api, token):
    zalo_api.oa_info(token)  # a kept-alive connection exists
    zalo_sandbox.inject_fault(path="/getoa", reset=True)
    with pytest.raises(ZaloTransportError) as caught:
        zalo_api.oa_info(token)
    assert caught.value.outcome is Outcome.RETRY
    assert zalo_api.oa_info(token).oa_id


def test_slow_answer_beyond_the_read_timeout(zalo_sandbox, token):
    zalo_sandbox.inject_fault(path="/getoa", delay_ms=1000)
    timeout = httpx.Timeout(connect=5, read=0.2, write=5, pool=5)
    with ZaloClient(zalo_sandbox.oauth_url, zalo_sandbox.openapi_url, zalo_sandbox.business_url,
                    timeout=timeout) as slow_client, pytest.raises(ZaloTransportError) as caught:
        slow_client.oa_info(token)
    assert caught.value.outcome is Outcome.RETRY and "timed out" in caught.value.message


def test_oauth_transport_failure_is_not_an_oauth_error(zalo_sandbox, zalo_api, zapp, tokens):
    zalo_sandbox.inject_fault(host="oauth", http_status=502, body="<html>Bad Gateway</html>")
    with pytest.raises(ZaloTransportError) as caught:
        zalo_api.refresh(zapp.app_id, zapp.app_secret, tokens["refresh_token"])
    assert caught.value.family is Family.OAUTH and not isinstance(caught.value, OAuthError)


# --- read endpoints ----------------------------------------------------------------------------------------

def test_followers_paging_and_the_data_query(zalo_sandbox, zalo_api, token, zapp):
    followers = [zalo_sandbox.add_user(zapp.app_id, user_id=f"90000{n:04d}")["user_id"] for n in range(120)]
    zalo_sandbox.add_user(zapp.app_id, user_id="8000000000", is_follower=False)
    zalo_sandbox.clear_requests()

    assert list(zalo_api.iter_followers(token)) == followers

    entries = zalo_sandbox.requests(path_contains="/user/getlist")
    assert [e["method"] for e in entries] == ["GET"] * 3
    queries = [json.loads(parse_qs(e["query"])["data"][0]) for e in entries]
    assert queries == [{"offset": offset, "count": 50, "is_follower": True} for offset in (0, 50, 100)]
    assert all(header(e, "access_token") == token for e in entries)


def test_followers_count_is_capped_at_50(zalo_sandbox, zalo_api, token, zapp):
    for n in range(3):
        zalo_sandbox.add_user(zapp.app_id, tags=["can-bo"] if n else [])
    page = zalo_api.followers(token, count=500, tag_name="can-bo")
    data = json.loads(parse_qs(last_request(zalo_sandbox, "/user/getlist")["query"])["data"][0])
    assert data == {"offset": 0, "count": 50, "is_follower": True, "tag_name": "can-bo"}
    assert (page.total, len(page.user_ids)) == (2, 2)


def test_user_detail(zalo_sandbox, zalo_api, token, citizen):
    profile = zalo_api.user_detail(token, citizen["user_id"])
    entry = last_request(zalo_sandbox, "/user/detail")
    assert entry["method"] == "GET" and json.loads(parse_qs(entry["query"])["data"][0]) == {
        "user_id": citizen["user_id"]}
    assert (profile.user_id, profile.display_name, profile.is_follower) == (citizen["user_id"], "Nguyễn Văn An", True)
    assert profile.raw["shared_info"]["phone"] == "84912345678"


@pytest.mark.parametrize("id_field", ["oa_id", "oaid"])
def test_oa_info_accepts_either_id_field(zalo_sandbox, zalo_api, token, id_field):
    data = {id_field: "4004001", "name": "UBND tỉnh Bắc Ninh", "oa_type": 4, "is_verified": True,
            "num_follower": 12}
    zalo_sandbox.inject_fault(path="/getoa", body={"error": 0, "message": "Success", "data": data})
    info = zalo_api.oa_info(token)
    assert (info.oa_id, info.name, info.oa_type, info.is_verified, info.num_follower) == (
        "4004001", "UBND tỉnh Bắc Ninh", 4, True, 12)


def test_oa_info_from_the_sandbox(zalo_sandbox, zalo_api, token, zapp, citizen):
    info = zalo_api.oa_info(token)
    entry = last_request(zalo_sandbox, "/getoa")
    assert (entry["method"], entry["path"], header(entry, "access_token")) == ("GET", "/openapi/v2.0/oa/getoa", token)
    assert (info.oa_id, info.name, info.oa_type, info.num_follower) == (zapp.oa_id, "UBND tỉnh Bắc Ninh", 4, 1)


def test_message_quota(zalo_sandbox, zalo_api, token, citizen):
    quota = zalo_api.message_quota(token, citizen["user_id"])
    body = assert_authenticated_json_post(last_request(zalo_sandbox, "/quota/message"),
                                          "/openapi/v3.0/oa/quota/message", token)
    assert body == {"user_id": citizen["user_id"]}
    assert quota.last_interaction_ms and quota.cs_reply["total"] == 8 and "daily_remain" in quota.promotion


def test_unknown_zalo_code_is_permanent_and_flagged(zalo_sandbox, zalo_api, token):
    zalo_sandbox.inject_fault(path="/getoa", error=-9999, message="something new")
    with pytest.raises(ZaloApiError) as caught:
        zalo_api.oa_info(token)
    assert (caught.value.outcome, caught.value.known, caught.value.message) == (
        Outcome.PERMANENT, False, "something new")


# --- concurrency and logging -----------------------------------------------------------------------------------

def test_one_client_is_shared_by_many_threads(zalo_api, token, zapp):
    results, failures = [], []

    def work():
        try:
            results.extend(zalo_api.oa_info(token).oa_id for _ in range(5))
        except Exception as error:  # collected, asserted below
            failures.append(error)

    threads = [threading.Thread(target=work) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and results == [zapp.oa_id] * 60


def test_calls_are_logged_without_token_or_secret(zalo_sandbox, zalo_api, zapp, tokens, citizen, monkeypatch, caplog):
    monkeypatch.setattr(client_module.logger, "disabled", False)  # alembic's fileConfig disables old loggers
    with caplog.at_level(logging.DEBUG, logger=client_module.logger.name):
        zalo_api.send_text(tokens["access_token"], citizen["user_id"], "Xin chào")
        pair = zalo_api.refresh(zapp.app_id, zapp.app_secret, tokens["refresh_token"])
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "POST /openapi/v3.0/oa/message/cs -> HTTP 200, error 0" in text
    assert "/oauth/v4/oa/access_token" in text
    for secret in (tokens["access_token"], tokens["refresh_token"], zapp.app_secret, pair.access_token,
                   pair.refresh_token):
        assert secret not in text
    assert tokens["access_token"] not in repr(pair) and pair.access_token not in repr(pair)
