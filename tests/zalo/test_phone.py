"""Vietnamese mobile numbers for ZNS and storage."""

import pytest

from platform_core.zalo.phone import PhoneError, is_mobile, mask, to_e164, to_zns


@pytest.mark.parametrize("raw", [
    "0912345678", "0912 345 678", "091.234.5678", "091-234-5678", "+84912345678", "+84 912 345 678",
    "84912345678", "912345678", "+84 (0) 912 345 678",
])
def test_accepted_forms_become_84_for_zns_and_e164_for_storage(raw):
    assert to_zns(raw) == "84912345678"
    assert to_e164(raw) == "+84912345678"


@pytest.mark.parametrize("raw", ["0321234567", "0561234567", "0701234567", "0861234567", "0391234567"])
def test_every_mobile_prefix_is_accepted(raw):
    assert to_zns(raw) == "84" + raw[1:]


def test_numeric_phone_from_a_webhook_is_accepted():
    assert to_zns(84912345678) == "84912345678"  # user_submit_info sends info.phone as a number


@pytest.mark.parametrize(("raw", "reason"), [
    ("02438253535", "landline"),
    ("+842838221234", "landline"),
    ("091234567", "too short"),
    ("09123456789", "too long"),
    ("0912abc678", "digits"),
    ("", "no phone"),
    ("+1 415 555 0100", "+84"),
    ("0612345678", "mobile prefix"),
    ("٠٩١٢٣٤٥٦٧٨", "digits"),  # Arabic-Indic digits pass str.isdigit but are not a phone number
])
def test_rejected_numbers_say_why(raw, reason):
    with pytest.raises(PhoneError) as caught:
        to_zns(raw)
    assert reason in caught.value.reason
    assert not is_mobile(raw)


def test_error_message_does_not_repeat_the_full_number():
    with pytest.raises(PhoneError) as caught:
        to_zns("02438253535")
    assert "02438253535" not in str(caught.value)


def test_mask_keeps_the_ends_only():
    assert mask("84912345678") == "84912***678"
    assert mask("+84912345678") == "+8491***678"
    assert mask("123") == "***"
    assert mask(None) == "***"
