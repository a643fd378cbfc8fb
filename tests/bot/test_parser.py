"""What the bot understands of a citizen's text, however it was typed."""

import pytest

from platform_core.bot.parser import (
    BAD_CODE,
    FALLBACK,
    LOOKUP,
    MENU,
    PROCEDURE,
    Intent,
    code_key,
    fold,
    looks_like_code,
    parse,
)

CODE = "000.00.24.H04-251128-0001"


@pytest.mark.parametrize("text", [
    "000.00.24.H04-251128-0001",
    "000.00.24.h04-251128-0001",
    "   000.00.24.H04-251128-0001   ",
    "tra cứu 000.00.24.H04-251128-0001",
    "Tra cứu 000.00.24.H04-251128-0001",
    "TRA CỨU 000.00.24.H04-251128-0001",
    "tra cuu 000.00.24.h04-251128-0001",
    "TRA CUU   000.00.24.H04-251128-0001",
    "tracuu 000.00.24.H04-251128-0001",
    "#tra cứu 000.00.24.H04-251128-0001",
    "tra cứu hồ sơ 000.00.24.H04-251128-0001",
    "Tra cứu mã hồ sơ: 000.00.24.H04-251128-0001",
    "kiểm tra hồ sơ 000.00.24.H04-251128-0001.",
    "“000.00.24.H04-251128-0001”",
])
def test_the_code_is_found_with_or_without_the_command(text):
    assert parse(text) == Intent(LOOKUP, CODE)


def test_a_button_payload_is_a_lookup():
    """oa.query.show buttons come back as user_send_text with their payload (docs/zalo-oa.md §2)."""
    assert parse("tra cứu H15.50.05-250715-0001") == Intent(LOOKUP, "H15.50.05-250715-0001")


@pytest.mark.parametrize("text, key", [
    ("tra cứu H15.50.05 - 250715 - 0001", "h155005250715" "0001"),
    ("tra cuu h15 50 05 250715 0001", "h1550052507150001"),
    ("H15.50.05–250715–0001", "h1550052507150001"),  # a phone's autocorrected en dash
    ("h15_50_05/250715/0001", "h1550052507150001"),
    ("ｈ１５.50.05-250715-0001", "h1550052507150001"),  # full-width characters from some keyboards
    ("Hồ sơ của tôi H15.50.05-250715-0001 đến đâu rồi ạ?", "h1550052507150001"),
])
def test_spaces_dashes_and_separators_reduce_to_the_same_key(text, key):
    intent = parse(text)
    assert intent.kind == LOOKUP
    assert code_key(intent.value) == key == code_key("H15.50.05-250715-0001")


def test_the_code_is_shown_with_plain_dashes():
    assert parse("tra cứu H15.50.05–250715—0001") == Intent(LOOKUP, "H15.50.05-250715-0001")


@pytest.mark.parametrize("text", ["hướng dẫn", "Hướng dẫn", "HƯỚNG DẪN", "huong dan", "Huong Dan!", "  hướng   dẫn  ",
                                  "hướng dẫn sử dụng", "help", "HELP", "menu", "trợ giúp", "hỗ trợ", "?"])
def test_menu_words(text):
    assert parse(text) == Intent(MENU)


@pytest.mark.parametrize("text, name", [
    ("thủ tục khai sinh", "khai sinh"),
    ("Thủ tục Đăng ký thường trú", "Đăng ký thường trú"),
    ("THU TUC dang ky ket hon", "dang ky ket hon"),
    ("thu tuc   khai   sinh", "khai sinh"),
    ("tìm thủ tục khai tử", "khai tử"),
    ("tra cứu thủ tục cấp giấy phép xây dựng?", "cấp giấy phép xây dựng"),
    ("thủ tục hành chính đăng ký xe", "đăng ký xe"),
    ("thủ tục", ""),
])
def test_procedure_search_keeps_the_name_as_typed(text, name):
    assert parse(text) == Intent(PROCEDURE, name)


@pytest.mark.parametrize("text, typed", [
    ("tra cứu", ""),
    ("tra cứu abc", "ABC"),
    ("Tra cứu hồ sơ", ""),
    ("tra cuu 12345", "12345"),
    ("mã hồ sơ của tôi là gì", ""),  # a question is not echoed as if it were a code
])
def test_a_lookup_without_a_usable_code_is_a_bad_code(text, typed):
    assert parse(text) == Intent(BAD_CODE, typed)


@pytest.mark.parametrize("text", [
    "", "   ", "xin chào", "Cảm ơn!", "ok", "HS-001", "2025",
    "tôi nộp hồ sơ ngày 15/07/2025 mà chưa có kết quả",  # a date is not a code
    "lệ phí 10.000.000 đồng à",  # nor an amount
    "😀",
])
def test_anything_else_falls_back(text):
    assert parse(text) == Intent(FALLBACK)


def test_fold_removes_diacritics_including_d_with_stroke():
    assert fold("  Đăng KÝ   thường TRÚ ") == "dang ky thuong tru"
    assert fold("Nguyễn Thị Ánh Tuyết") == "nguyen thi anh tuyet"


@pytest.mark.parametrize("token, expected", [
    ("000.00.24.h04-251128-0001", True),
    ("g09.20-20260609-0092637", True),
    ("h15.50.05.13-261008-0975", True),
    ("hs-001", False),  # too short to be a code
    ("abcdefghij", False),  # no digits
    ("1.004222", False),  # a procedure code is shorter than a dossier code
    ("15/07/2025", False),
    ("1.000.000", False),
    ("a" * 30 + "1" * 31, False),  # absurdly long
    ("000.00.24.h04-251128-0001!", False),  # punctuation is stripped before, not accepted inside
])
def test_what_looks_like_a_code(token, expected):
    assert looks_like_code(token) is expected
