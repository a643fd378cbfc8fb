"""The template engine: what `validate` refuses, what the sandbox stops at render, and the messages it builds."""

import pytest
from jinja2.sandbox import SecurityError

from platform_core.notices.rendering import SAMPLE_CONTEXT, RenderError, build_card, render_text, render_zns, validate
from platform_core.zalo.messages import MAX_ROW_VALUE, MAX_TEXT_MESSAGE

VALID = {
    "text": "Hồ sơ {{ ma_ho_so }} ({{ ten_thu_tuc }}) đã được tiếp nhận ngày {{ ngay_tiep_nhan }}.",
    "card_header": "Hồ sơ đã được tiếp nhận",
    "card_text": "Ngày hẹn trả kết quả: {{ ngay_hen_tra }}.",
    "status_colour": "blue",
    "zns_template_id": None,
    "zns_params": {},
}


def with_text(source: str) -> dict:
    return {**VALID, "text": source}


def card_rows(payload: dict) -> dict:
    table = next(element for element in payload["payload"]["elements"] if element["type"] == "table")
    return {row["key"]: row for row in table["content"]}


# --- validate --------------------------------------------------------------------------------------------------

def test_a_valid_template_has_no_problems():
    assert validate(VALID) == {}


def test_unknown_field_is_refused_naming_it():
    errors = validate(with_text("Số CMND: {{ so_cmnd }}, hồ sơ {{ ma_ho_so }}"))
    assert errors == {"text": ["unknown field “so_cmnd”"]}


def test_syntax_error_is_refused_with_its_line():
    errors = validate(with_text("Hồ sơ {{ ma_ho_so }}\n{% if ly_do %}Lý do: {{ ly_do }}"))
    assert list(errors) == ["text"]
    assert errors["text"][0].startswith("syntax error on line 2")


def test_unknown_filter_is_refused():
    assert "there is no filter “center”" in validate(with_text("{{ ma_ho_so|center(80) }}"))["text"][0]


@pytest.mark.parametrize(("source", "problem"), [
    ("{% set x = ma_ho_so %}{{ x }}", "{% set %} is not available"),
    ("{% macro m() %}x{% endmacro %}", "macros are not available"),
    ("{% include 'other' %}", "other templates cannot be included"),
    ("{{ ma_ho_so.upper() }}", "calling functions or methods is not available"),
    ("{% for a in giay_to_can_bo_sung %}{% for c in a %}{{ c }}{% endfor %}{% endfor %}",
     "a loop inside a loop is not available"),
])
def test_constructs_a_message_never_needs_are_refused(source, problem):
    assert any(message.startswith(problem) for message in validate(with_text(source))["text"])


def test_globals_are_not_fields():
    assert validate(with_text("{{ range }}{{ lipsum }}")) == {
        "text": ["unknown field “lipsum”", "unknown field “range”"]
    }


def test_sandbox_escape_is_refused_at_validate():
    errors = validate(with_text("{{ ''.__class__.__mro__ }}"))
    assert "unsafe" in errors["text"][0]


@pytest.mark.parametrize("source", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ma_ho_so.__class__.__base__.__subclasses__ }}",
    "{{ 'a' * 1000000000 }}",
    "{{ '%999999999s' % ma_ho_so }}",
    "{{ '{:>999999999}'.format(ma_ho_so) }}",
    "{{ ma_ho_so.ljust(999999999) }}",
    "{{ 99999999999999999999 * 99999999999999999999 }}",
])
def test_the_sandbox_refuses_escapes_and_huge_values_at_render(source):
    with pytest.raises(RenderError) as caught:
        render_text(with_text(source), SAMPLE_CONTEXT)
    assert isinstance(caught.value.__cause__, SecurityError)
    assert caught.value.field == "text"


def test_fixed_text_over_zalo_limit_is_refused():
    errors = validate({**VALID, "card_header": "Thông báo " * 11})
    assert errors == {"card_header": ["the fixed text alone is 110 characters; at most 100"]}


def test_a_template_that_overflows_with_long_values_is_refused():
    errors = validate({**VALID, "card_header": "Hồ sơ {{ ten_thu_tuc }}"})
    assert "at most 100" in errors["card_header"][0]
    assert "with long values" in errors["card_header"][0]


def test_a_template_that_fails_when_optional_fields_are_empty_is_refused():
    errors = validate(with_text("Cần bổ sung: {{ giay_to_can_bo_sung[0] }}"))
    assert "optional fields are empty" in errors["text"][0]


def test_empty_fields_unknown_keys_and_colours_outside_zalo_styles_are_refused():
    errors = validate({**VALID, "card_text": "  ", "status_colour": "pink", "so_cmnd": "x"})
    assert errors == {
        "so_cmnd": ["unknown field"],
        "card_text": ["must not be empty"],
        "status_colour": ["must be one of green, blue, yellow, red, grey"],
    }


def test_zns_parameters_are_templates_too():
    errors = validate({**VALID, "zns_template_id": "23100x",
                       "zns_params": {"dossier code": "{{ ma_ho_so }}", "customer_name": "{{ so_cmnd }}"}})
    assert errors == {
        "zns_template_id": ["must be the ZNS template's id in Zalo (digits)"],
        "zns_params": ["“dossier code” is not a ZNS parameter name (letters, digits, _)"],
        "zns_params.customer_name": ["unknown field “so_cmnd”"],
    }


# --- rendering -------------------------------------------------------------------------------------------------

def test_text_is_rendered_without_html_escaping():
    text = render_text(with_text("{{ ghi_chu }}"), {**SAMPLE_CONTEXT, "ghi_chu": "Mang bản gốc <CCCD> & sổ"})
    assert text == "Mang bản gốc <CCCD> & sổ"


def test_bullets_puts_each_document_on_its_own_line():
    text = render_text(with_text("Cần bổ sung:\n{{ giay_to_can_bo_sung|bullets }}"), SAMPLE_CONTEXT)
    assert text.splitlines()[1:] == [f"- {document}" for document in SAMPLE_CONTEXT["giay_to_can_bo_sung"]]


def test_a_field_missing_from_the_context_is_a_render_error():
    context = {key: value for key, value in SAMPLE_CONTEXT.items() if key != "ten_thu_tuc"}
    with pytest.raises(RenderError, match="ten_thu_tuc"):
        render_text(VALID, context)


def test_a_text_over_zalo_limit_is_cut_at_send_time():
    text = render_text(with_text("{{ ghi_chu }}"), {**SAMPLE_CONTEXT, "ghi_chu": "rất dài " * 400})
    assert len(text) == MAX_TEXT_MESSAGE
    assert text.endswith("…")


def test_an_empty_text_cannot_be_sent():
    with pytest.raises(RenderError, match="renders empty"):
        render_text(with_text("{{ ghi_chu }}"), {**SAMPLE_CONTEXT, "ghi_chu": ""})


# --- the transaction card --------------------------------------------------------------------------------------

def test_card_has_the_code_row_the_coloured_status_row_and_the_lookup_button():
    payload = build_card(VALID, SAMPLE_CONTEXT).to_payload()  # to_payload validates against Zalo's rules
    assert payload["payload"]["template_type"] == "transaction_transaction"
    assert payload["payload"]["language"] == "VI"
    rows = card_rows(payload)
    assert rows["Mã hồ sơ"] == {"key": "Mã hồ sơ", "value": SAMPLE_CONTEXT["ma_ho_so"]}
    assert rows["Thủ tục"]["value"] == "Đăng ký thường trú"
    assert rows["Ngày hẹn trả"]["value"] == SAMPLE_CONTEXT["ngay_hen_moi"]
    assert rows["Trạng thái"] == {"key": "Trạng thái", "value": "Đã tiếp nhận", "style": "blue"}
    assert payload["payload"]["buttons"] == [{
        "title": "Tra cứu", "image_icon": "", "type": "oa.query.show",
        "payload": f"tra cứu {SAMPLE_CONTEXT['ma_ho_so']}",
    }]
    header, text = payload["payload"]["elements"][:2]
    assert header == {"type": "header", "content": "Hồ sơ đã được tiếp nhận"}
    assert text == {"type": "text", "content": f"Ngày hẹn trả kết quả: {SAMPLE_CONTEXT['ngay_hen_tra']}."}


def test_card_leaves_out_the_appointment_row_when_there_is_none():
    card = build_card({**VALID, "card_text": "Không được tiếp nhận."},
                      {**SAMPLE_CONTEXT, "ngay_hen_tra": "", "ngay_hen_moi": ""})
    assert "Ngày hẹn trả" not in card_rows(card.to_payload())


def test_card_values_are_cut_to_zalo_limits():
    long_name = "Cấp Giấy chứng nhận quyền sử dụng đất " * 10
    card = build_card(VALID, {**SAMPLE_CONTEXT, "ten_thu_tuc": long_name})
    value = card_rows(card.to_payload())["Thủ tục"]["value"]
    assert len(value) == MAX_ROW_VALUE
    assert value.endswith("…")


def test_card_needs_the_dossier_code():
    with pytest.raises(RenderError, match="ma_ho_so"):
        build_card({**VALID, "card_text": "x"}, {**SAMPLE_CONTEXT, "ma_ho_so": ""})


# --- ZNS -------------------------------------------------------------------------------------------------------

def test_zns_parameters_are_rendered_to_strings():
    template = {**VALID, "zns_template_id": "231001",
                "zns_params": {"dossier_code": "{{ ma_ho_so }}", "customer_name": "{{ nguoi_nop|truncate(10) }}"}}
    assert render_zns(template, SAMPLE_CONTEXT) == (
        "231001", {"dossier_code": SAMPLE_CONTEXT["ma_ho_so"], "customer_name": "Nguyễn..."}
    )


def test_zns_without_a_template_id_is_a_render_error():
    with pytest.raises(RenderError, match="no ZNS template"):
        render_zns(VALID, SAMPLE_CONTEXT)


@pytest.mark.parametrize(("source", "said"), [
    ("{{ ma_ho_so }", "braces are not written as expected: a field is {{ field_name }}"),
    ("Kính gửi\n{% endiff %}", "“endiff” is not an instruction templates know"),
    ("{{ ma_ho_so|in_hoa }}", "there is no filter “in_hoa”"),
])
def test_a_jinja_error_is_said_in_plain_words_with_its_line_and_text(source, said):
    [problem] = validate(with_text(source))["text"]
    line = source.count("\n") + 1
    assert problem.startswith(f"syntax error on line {line} (“{source.splitlines()[-1]}”): {said}")
    assert "expected token" not in problem and "Encountered" not in problem and "No filter named" not in problem
