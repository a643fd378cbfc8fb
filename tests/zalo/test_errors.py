"""The Zalo error taxonomy: every documented code has one outcome (docs/zalo-oa.md §6)."""

import logging

import pytest

from platform_core.zalo import errors
from platform_core.zalo.errors import (
    Family,
    OAuthError,
    Outcome,
    RateLimit,
    ZaloApiError,
    ZaloTransportError,
    api_error,
    classify,
    family_of_code,
    oauth_error,
)

# The codes of docs/zalo-oa.md §6, written out again so that a code dropped from the table fails here.
DOCUMENTED_OA = [-32, -100, -200, -201, -204, -205, -209, -210, -211, -212, -213, -214, -216, -217, -218, -219,
                 -220, -221, -223, -224, -227, -230, -232, -233, -234, -235, -240, -242, -244, -248, -320, -321]
DOCUMENTED_ZNS = [-100, -101, -102, -103, -104, -105, -108, -109, -110, -111, -112, -1121, -1122, -1124, -113,
                  -1131, -114, -115, -116, -117, -118, -119, -120, -124, -1241, -125, -126, -127, -131, -132, -133,
                  -135, -1351, -136, -137, -138, -139, -140, -141, -144, -1441, -145, -146, -147, -1471, -161,
                  -162]

EXPECTED = {
    Family.OA: {
        Outcome.RATE_LIMITED: [-32],
        Outcome.REFRESH_TOKEN: [-216, -220],
        Outcome.INELIGIBLE: [-213, -217, -227, -230, -232, -244],
        Outcome.DEFER_QUOTA: [-211, -218],
        Outcome.DEFER_NIGHT: [-234],
        Outcome.CONFIGURATION: [-204, -205, -209, -212, -219, -221, -223, -224, -235, -242, -320, -321],
        Outcome.PERMANENT: [-100, -201, -210, -233, -240, -248],
        Outcome.RETRY: [-200, -214],
    },
    Family.ZNS: {
        Outcome.RETRY: [-100],
        Outcome.REFRESH_TOKEN: [-124],
        Outcome.INELIGIBLE: [-110, -114, -118, -119, -139, -140, -141],
        Outcome.DEFER_QUOTA: [-144, -1441, -147, -1471],
        Outcome.DEFER_NIGHT: [-133],
        Outcome.CONFIGURATION: [-101, -102, -103, -104, -105, -115, -117, -120, -125, -126, -135, -1351, -136,
                                -137, -138, -145, -1241],
        Outcome.PERMANENT: [-108, -109, -111, -112, -1121, -1122, -1124, -113, -1131, -116, -127, -131, -132,
                            -146, -161, -162],
    },
}


@pytest.mark.parametrize(("family", "codes"), [(Family.OA, DOCUMENTED_OA), (Family.ZNS, DOCUMENTED_ZNS)])
def test_every_documented_code_is_known_with_both_explanations(family, codes):
    for code in codes:
        info = classify(family, code)
        assert info.known, (family, code)
        assert info.vi.strip() and info.en.strip(), (family, code)


@pytest.mark.parametrize("family", [Family.OA, Family.ZNS])
def test_each_code_has_the_agreed_outcome(family):
    for outcome, codes in EXPECTED[family].items():
        for code in codes:
            assert classify(family, code).outcome is outcome, (family, code)


def test_the_tables_hold_nothing_undocumented_except_the_presumed_zns_rate_limit():
    assert set(errors.OA_CODES) == set(DOCUMENTED_OA)
    assert set(errors.ZNS_CODES) == set(DOCUMENTED_ZNS) | {-32}


def test_minus_100_means_different_things_per_family():
    oa, zns = classify(Family.OA, -100), classify(Family.ZNS, -100)
    assert oa.outcome is Outcome.PERMANENT and "attachment" in oa.en
    assert zns.outcome is Outcome.RETRY and "Unknown" in zns.en


def test_an_old_zalo_app_is_ineligible_and_says_to_update_zalo():
    info = classify(Family.ZNS, -110)
    assert info.outcome is Outcome.INELIGIBLE and "cập nhật Zalo" in info.vi


@pytest.mark.parametrize("message", ["user_id is invalid!", "<user_id> is invalid!", "User_id is invalid"])
def test_an_invalid_user_id_is_a_citizen_out_of_reach_not_a_broken_message(message):
    """-201 on the recipient (an id of another OA) leaves ZNS by phone open (docs/zalo-oa.md §6)."""
    error = api_error(Family.OA, {"error": -201, "message": message})
    assert error.outcome is Outcome.INELIGIBLE and error.known
    assert "OA khác" in error.explanation("vi") and "ZNS" in error.explanation("en")


@pytest.mark.parametrize("message", ["message.text is invalid!", "data is invalid", "", None])
def test_any_other_invalid_parameter_stays_permanent(message):
    assert api_error(Family.OA, {"error": -201, "message": message}).outcome is Outcome.PERMANENT
    assert classify(Family.OA, -201).outcome is Outcome.PERMANENT
    assert classify(Family.ZNS, -201, "user_id is invalid!").known is False  # the refinement is the OA API's


def test_admins_read_plain_vietnamese():
    assert classify(Family.OA, -230).vi == "Người dân chưa tương tác với OA trong 7 ngày qua."


def test_unknown_code_is_permanent_and_not_known():
    info = classify(Family.OA, -99999)
    assert (info.outcome, info.known) == (Outcome.PERMANENT, False)
    assert classify(Family.OAUTH, None).known is False


def test_unknown_code_is_logged_once_without_secrets(monkeypatch, caplog):
    monkeypatch.setattr(errors, "_reported_unknown", set())
    monkeypatch.setattr(errors.logger, "disabled", False)  # alembic's fileConfig disables existing loggers
    body = {"error": -777, "message": "new", "access_token": "AT-SECRET", "data": {"phone": "84912345678"}}
    with caplog.at_level(logging.WARNING, logger=errors.logger.name):
        first = api_error(Family.ZNS, body)
        api_error(Family.ZNS, body)
    assert first.known is False and first.outcome is Outcome.PERMANENT
    records = [record for record in caplog.records if "-777" in record.getMessage()]
    assert len(records) == 1
    logged = records[0].getMessage()
    assert "AT-SECRET" not in logged and "84912345678" not in logged and "84912***678" in logged


def test_api_error_carries_code_message_family_raw_and_rate_limit():
    limit = RateLimit(limit=4000, remain=0)
    error = api_error(Family.OA, {"error": -32, "message": "limit"}, rate_limit=limit, http_status=200)
    assert isinstance(error, ZaloApiError)
    assert (error.code, error.message, error.family, error.outcome) == (-32, "limit", Family.OA, Outcome.RATE_LIMITED)
    assert error.raw == {"error": -32, "message": "limit"}
    assert error.rate_limit == limit
    assert error.explanation("en").startswith("The app exceeded")


def test_error_code_given_as_a_string_is_still_classified():
    assert api_error(Family.OA, {"error": "-216", "message": "x"}).outcome is Outcome.REFRESH_TOKEN


def test_oauth_error_keeps_zalo_fields_and_redacts_tokens():
    body = {"error": -14014, "error_name": "Invalid refresh token", "error_reason": "used",
            "error_description": "refresh token is used", "refresh_token": "RT-SECRET"}
    error = oauth_error(body)
    assert isinstance(error, OAuthError)
    assert error.family is Family.OAUTH and error.code == -14014
    assert (error.error_name, error.error_reason) == ("Invalid refresh token", "used")
    assert error.error_description == "refresh token is used" == error.message
    assert "RT-SECRET" not in str(error.raw)


def test_oauth_error_from_a_body_that_is_not_an_object():
    error = oauth_error(["unexpected"])
    assert error.code is None and error.error_name is None and error.outcome is Outcome.CONFIGURATION


def test_an_unknown_code_is_explained_without_repeating_the_code():
    for family in Family:
        info = classify(family, -14001)
        assert "14001" not in info.vi and "14001" not in info.en and not info.known


def test_the_family_of_a_stored_code_is_read_from_its_range():
    assert family_of_code(-14002) is Family.OAUTH and family_of_code(-14002, zns=True) is Family.OAUTH
    assert family_of_code(-230) is Family.OA and family_of_code(-1471, zns=True) is Family.ZNS


def test_transport_errors_are_always_retry():
    error = ZaloTransportError(Family.ZNS, "read timeout")
    assert error.outcome is Outcome.RETRY and error.code is None and error.known


def test_rate_limit_read_from_headers():
    assert RateLimit.from_headers({"X-RateLimit-Limit": "4000", "X-RateLimit-Remain": "12"}) == RateLimit(4000, 12)
    assert RateLimit.from_headers({}) is None
