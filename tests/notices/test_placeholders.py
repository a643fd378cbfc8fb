"""The template editor's fields in brackets (`[Mã hồ sơ]`) and the stored Jinja: the way there and back loses
nothing, an unknown name is named, and Jinja conditionals stay as written."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platform_core.notices import rendering
from platform_core.notices.placeholders import UnknownPlaceholder, offered, to_jinja, to_readable
from platform_core.notices.shipped import read_messages

RECEIVED = ("Kính gửi Ông/Bà {{ nguoi_nop }},\n"
            "{% if ngay_hen_tra %}\nNgày hẹn trả kết quả: {{ ngay_hen_tra }}.\n{% endif %}\n"
            "Nhắn “tra cứu {{ ma_ho_so }}” cho {{ ten_oa }}.")


def test_fields_read_as_their_vietnamese_names_and_conditionals_stay():
    readable = to_readable(RECEIVED)
    assert readable == ("Kính gửi Ông/Bà [Họ tên người nộp],\n"
                        "{% if ngay_hen_tra %}\nNgày hẹn trả kết quả: [Ngày hẹn trả].\n{% endif %}\n"
                        "Nhắn “tra cứu [Mã hồ sơ]” cho [Tên Zalo OA].")
    assert to_jinja(readable) == RECEIVED


def test_an_admin_may_write_a_conditional_around_fields_in_brackets():
    text = "{% if ly_do %}Lý do: [Lý do]{% else %}Không có lý do{% endif %}"
    assert to_jinja(text) == "{% if ly_do %}Lý do: {{ ly_do }}{% else %}Không có lý do{% endif %}"
    assert rendering.validate({**_shipped("refused"), "text": to_jinja(text)}) == {}


def test_the_documents_are_written_joined_or_one_per_line():
    assert to_jinja("[Giấy tờ cần bổ sung]") == '{{ giay_to_can_bo_sung|join("; ") }}'
    assert to_jinja("[Giấy tờ cần bổ sung, mỗi giấy tờ một dòng]") == "{{ giay_to_can_bo_sung|bullets }}"
    assert to_readable("{{ giay_to_can_bo_sung|bullets }}") == "[Giấy tờ cần bổ sung, mỗi giấy tờ một dòng]"
    labels = [item.text for item in offered(["ma_ho_so", "giay_to_can_bo_sung"])]
    assert labels == ["[Mã hồ sơ]", "[Giấy tờ cần bổ sung]", "[Giấy tờ cần bổ sung, mỗi giấy tờ một dòng]"]


def test_names_are_matched_whatever_the_case_spacing_or_unicode_composition():
    decomposed = "M\u0061\u0303 h\u00f4\u0300 s\u01a1"  # "Mã hồ sơ" as some Vietnamese keyboards send it
    for written in ("[mã HỒ sơ]", "[ Mã  hồ sơ ]", f"[{decomposed}]", "[ma_ho_so]"):
        assert to_jinja(written) == "{{ ma_ho_so }}", written


def test_other_jinja_is_left_as_written():
    for source in ("{{ nguoi_nop|truncate(30) }}", "{{ngay_hen_tra}}", "{{ ngay_hen_moi or ngay_hen_tra }}",
                   "{%- if ghi_chu -%}x{%- endif %}", "{# ghi chú #}"):
        assert to_readable(source) == source and to_jinja(source) == source


def test_square_brackets_in_the_text_are_doubled_so_they_never_become_a_field():
    assert to_readable("[Thông báo] Hồ sơ {{ ma_ho_so }}") == "[[Thông báo]] Hồ sơ [Mã hồ sơ]"
    assert to_jinja("[[Thông báo]] Hồ sơ [Mã hồ sơ]") == "[Thông báo] Hồ sơ {{ ma_ho_so }}"
    assert to_jinja("a [ b\nc ] d [] [ ]") == "a [ b\nc ] d [] [ ]"  # a lone bracket, or nothing between two, is text


def test_an_unknown_name_is_named_with_the_field_it_probably_is():
    with pytest.raises(UnknownPlaceholder) as raised:
        to_jinja("Hồ sơ [Mã hồ sở] đã nhận")
    assert raised.value.problems == ["there is no field “[Mã hồ sở]”: did you mean “[Mã hồ sơ]”?"]


def test_every_unknown_name_of_a_text_is_named_with_its_line():
    with pytest.raises(UnknownPlaceholder) as raised:
        to_jinja("Kính gửi [Họ tên người nộp],\n{% if ly_do %}\n[Người ký] [Số tiền]\n{% endif %}")
    hint = "pick a field from the list, or write [[ and ]] for square brackets in the text"
    assert raised.value.problems == [f"there is no field “[Người ký]” (line 3): {hint}",
                                     f"there is no field “[Số tiền]” (line 3): {hint}"]
    assert raised.value.problems[0].msgid == "%(problem)s: " + hint  # translated by the editor


def test_every_province_file_reads_back_to_what_it_stores():
    for slug in ("bac-ninh", "da-nang", "an-giang", "ho-chi-minh"):
        for kind, fields in read_messages(slug).items():
            for name in ("text", "card_header", "card_text", *[f"zns:{p}" for p in fields.get("zns_params") or {}]):
                source = fields["zns_params"][name[4:]] if name.startswith("zns:") else fields[name]
                assert to_jinja(to_readable(source)) == source, (slug, kind, name)


PIECES = st.sampled_from(["{{ ma_ho_so }}", "{{ ly_do }}", "{{ giay_to_can_bo_sung|bullets }}", "{{ x|upper }}",
                          "{% if ly_do %}", "{% endif %}", "{#", "#}", "{{", "}}", "{%", "%}", "{", "}", "[", "]",
                          "[[", "]]", "[Mã hồ sơ]", "[Lý do]", "[xyz]", "a", " ", "\n", "Hồ sơ", "%", "#"])


@settings(deadline=None)  # the machine is shared: a slow example is not a failure
@given(st.lists(PIECES, max_size=12).map("".join))
def test_any_stored_source_comes_back_unchanged(source):
    assert to_jinja(to_readable(source)) == source


@settings(deadline=None)
@given(st.lists(st.sampled_from(["[Mã hồ sơ]", "[Lý do]", "[[", "]]", "{% if ly_do %}", "{% endif %}", "Hồ sơ ",
                                 "\n", "(", ")", "{{ ly_do|upper }}"]), max_size=12).map("".join))
def test_what_the_editor_shows_again_after_a_save_is_what_was_written(text):
    assert to_readable(to_jinja(text)) == text


def _shipped(kind: str) -> dict:
    return rendering.fields_of(read_messages("bac-ninh")[kind])
