"""What the deliveries page says about an error: Zalo's code explained, and what staff can do about it."""

from types import SimpleNamespace

import pytest

from platform_core.delivery import errors_plain
from platform_core.delivery.errors_plain import explain
from platform_core.delivery.trial import REFUSED
from platform_core.zalo.errors import OA_CODES, ZNS_CODES, Outcome


@pytest.fixture
def vietnamese(app):
    with app.test_request_context("/?lang=vi"):
        yield


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def delivery(state="failed", channel="transaction", code=None, message=None):
    return SimpleNamespace(state=state, channel=channel, error_code=code, error_message=message)


def test_every_outcome_has_advice():
    assert set(errors_plain.ADVICE) == set(Outcome)


def test_the_same_code_means_different_things_on_zns_and_the_oa_api(vietnamese):
    assert explain(delivery(channel="transaction", code=-100)).what == OA_CODES[-100][1]
    assert explain(delivery(channel="zns", code=-100)).what == ZNS_CODES[-100][1]


def test_a_citizen_who_does_not_follow_the_oa(vietnamese):
    explanation = explain(delivery(code=-213))
    assert explanation.what == "Người dân chưa quan tâm OA."
    assert explanation.advice == str(errors_plain.ADVICE[Outcome.INELIGIBLE])
    assert explanation.code == -213


def test_a_phone_without_zalo_has_its_own_advice(english):
    explanation = explain(delivery(channel="zns", code=-118))
    assert explanation.what == "The phone number has no Zalo account."
    assert "reach the citizen another way" in explanation.advice


def test_an_old_zalo_app_and_a_zns_content_type_the_oa_may_not_send_have_their_own_advice(english):
    assert "update Zalo" in explain(delivery(channel="zns", code=-110)).advice
    assert explain(delivery(channel="zns", code=-145)).advice == str(errors_plain.ZNS_TEMPLATE)


def test_a_user_id_of_another_oa_is_explained_as_out_of_reach(vietnamese):
    explanation = explain(delivery(code=-201, message="user_id is invalid!"))
    assert "OA khác" in explanation.what
    assert explanation.advice == str(errors_plain.ADVICE[Outcome.INELIGIBLE])


def test_a_deferred_message_needs_nothing_but_one_that_ran_out_of_attempts_can_be_retried(english):
    assert explain(delivery(state="pending", code=-211)).advice.startswith("Nothing to do")
    assert explain(delivery(state="failed", code=-200)).advice.startswith("Zalo kept refusing it")


def test_failures_without_a_zalo_code_are_recognised(english):
    explanation = explain(delivery(message="no channel reaches this citizen (no Zalo user id in reach and no phone)"))
    assert explanation.what.startswith("Neither a Zalo account nor a phone number")
    assert explanation.code is None
    pending = explain(delivery(state="pending", message="the Zalo connection needs an admin to reconnect it"))
    assert "reconnects the OA" in pending.advice


def test_a_trial_refusal_is_explained_in_vietnamese_with_what_to_do(vietnamese):
    explanation = explain(delivery(message=REFUSED))
    assert explanation.what.startswith("Chế độ dùng thử")
    assert "danh sách khách" in explanation.advice


def test_an_unknown_code_or_message_still_says_something(vietnamese):
    unknown = explain(delivery(code=-9999))
    assert "-9999" not in unknown.what and unknown.code == -9999  # the page shows the code once, beside it
    assert unknown.what.startswith("Zalo từ chối tin nhắn") and "mẫu tin" not in unknown.advice
    assert explain(delivery(message="something new")).what == str(errors_plain.UNKNOWN[0])


def test_a_delivery_without_an_error_has_no_explanation(vietnamese):
    assert explain(delivery(state="sent")) is None


def test_a_token_refusal_left_on_a_delivery_asks_for_a_reconnection_not_a_template_check(vietnamese):
    refused = explain(delivery(code=-14001, message="app_id is invalid or unknown"))
    assert refused.what.startswith("Zalo không cấp quyền truy cập cho ứng dụng của tỉnh")
    assert "kết nối lại Zalo OA" in refused.advice and "mẫu" not in refused.advice
    assert "app_id" not in refused.what + refused.advice
