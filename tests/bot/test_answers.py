"""The bot's Vietnamese answers, composed from objects (no database): every status, masking, limits."""

from datetime import timedelta

import pytest

from platform_core.bot import answers
from platform_core.bot.lookup import Desk, Sender
from platform_core.catalogue.models import Procedure
from platform_core.dossiers.constants import (
    EVENT_APOLOGY,
    FINANCIAL_OBLIGATION,
    PROCESSING,
    RECEIVED,
    REFUSED,
    RESULT_READY,
    RETURNED,
    STOPPED,
    SUBMITTED,
    SUPPLEMENT_REQUIRED,
    WITHDRAWAL_REQUESTED,
)
from tests.bot.conftest import DUE_AT, RECEIVED_AT, dossier_row

DESK = Desk(oa_name="Trung tâm PVHCC tỉnh Bắc Ninh", place="tỉnh Bắc Ninh", hotline="02223822222")
STRANGER = Sender(zalo_user_id="8000001")
BEFORE_DUE = RECEIVED_AT + timedelta(days=1)
PROCEDURE = Procedure(code="1.004222", name="Đăng ký thường trú", agency="Công an xã Bắc Ninh",
                      processing_time_value=7, processing_time_unit="working_day", fee_vnd=20000)


def answer(dossier, sender=STRANGER, now=BEFORE_DUE, desk=DESK) -> str:
    return answers.dossier_answer(dossier, PROCEDURE, sender, desk, now)


def reached(status: int, **event_fields) -> dict:
    return {"from_status": PROCESSING, "to_status": status} | event_fields


# --- every status ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, label, next_step", [
    (SUBMITTED, "Mới đăng ký", "chờ cán bộ kiểm tra và tiếp nhận"),
    (RECEIVED, "Đã tiếp nhận", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    (REFUSED, "Không được tiếp nhận", "Lý do:"),
    (PROCESSING, "Đang xử lý", "Ông/Bà chưa cần làm gì thêm"),
    (SUPPLEMENT_REQUIRED, "Yêu cầu bổ sung", "Giấy tờ cần bổ sung"),
    (FINANCIAL_OBLIGATION, "Yêu cầu thực hiện nghĩa vụ tài chính", "nộp phí, lệ phí hoặc thuế"),
    (WITHDRAWAL_REQUESTED, "Công dân yêu cầu rút hồ sơ", "chờ cán bộ xác nhận"),
    (STOPPED, "Dừng xử lý", "Lý do:"),
    (RESULT_READY, "Đã có kết quả", "Cách nhận:"),
    (RETURNED, "Đã trả kết quả", "Cảm ơn Ông/Bà"),
])
def test_every_status_has_its_label_and_next_step(status, label, next_step):
    text = answer(dossier_row(status=status))
    assert "Hồ sơ 000.00.24.H04-251128-0001" in text
    assert f"Trạng thái: {label}" in text
    assert next_step in text
    assert "Thủ tục: Đăng ký thường trú" in text and "Cơ quan giải quyết: Công an xã Bắc Ninh" in text


def test_dates_are_the_provinces_day():
    text = answer(dossier_row())
    assert "Ngày tiếp nhận: 28/11/2025" in text
    assert f"Ngày hẹn trả kết quả: {DUE_AT.day:02d}/12/2025" in text


def test_supplement_lists_the_documents_of_the_last_request_and_how_to_submit():
    events = [reached(SUPPLEMENT_REQUIRED, missing_documents=["Bản sao sổ hộ khẩu cũ"]),
              reached(PROCESSING),
              reached(SUPPLEMENT_REQUIRED, missing_documents=["Giấy xác nhận chỗ ở hợp pháp", "Tờ khai CT01"],
                      note="Nộp trước ngày 10/12")]
    text = answer(dossier_row(status=SUPPLEMENT_REQUIRED, events=events))
    assert "Giấy tờ cần bổ sung:\n- Giấy xác nhận chỗ ở hợp pháp\n- Tờ khai CT01" in text
    assert "sổ hộ khẩu cũ" not in text  # an earlier request, already answered
    assert "Cách nộp: mang giấy tờ bổ sung" in text
    assert "Ghi chú của cán bộ: Nộp trước ngày 10/12" in text


def test_an_online_dossier_is_supplemented_online():
    dossier = dossier_row(status=SUPPLEMENT_REQUIRED, channel=2,
                          events=[reached(SUPPLEMENT_REQUIRED, missing_documents=["Tờ khai"])])
    assert "tải lên giấy tờ bổ sung" in answer(dossier)


def test_a_supplement_without_a_list_points_to_the_request_slip():
    text = answer(dossier_row(status=SUPPLEMENT_REQUIRED, events=[reached(SUPPLEMENT_REQUIRED)]))
    assert "theo Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" in text


@pytest.mark.parametrize("status", [REFUSED, STOPPED])
def test_refusal_and_stop_give_the_reason(status):
    events = [reached(status, reason="Hồ sơ không thuộc thẩm quyền giải quyết của cấp xã")]
    assert "Lý do: Hồ sơ không thuộc thẩm quyền giải quyết của cấp xã" in answer(dossier_row(status=status,
                                                                                               events=events))


def test_result_ready_says_where_and_how_to_collect():
    in_person = answer(dossier_row(status=RESULT_READY, events=[reached(RESULT_READY, note="Quầy số 5")]))
    assert "Cách nhận: đến Bộ phận Tiếp nhận và Trả kết quả" in in_person and "căn cước công dân" in in_person
    assert "Ghi chú của cán bộ: Quầy số 5" in in_person
    by_post = answer(dossier_row(status=RESULT_READY, channel=3))
    assert "bưu chính công ích đến địa chỉ Ông/Bà đã đăng ký" in by_post


def test_returned_shows_the_day_it_was_handed_over():
    text = answer(dossier_row(status=RETURNED, returned_at=RECEIVED_AT + timedelta(days=6)))
    assert "Ngày trả kết quả: 04/12/2025" in text


def test_a_revised_appointment_shows_both_dates_and_the_reason():
    apology = {"kind": EVENT_APOLOGY, "reason": "Chờ xác minh của cơ quan liên quan", "new_due_at": DUE_AT}
    dossier = dossier_row(status=PROCESSING, revised_due_at=DUE_AT + timedelta(days=5),
                          events=[reached(PROCESSING), apology])
    text = answer(dossier)
    assert "Ngày hẹn trả kết quả: 12/12/2025 (đã hẹn lại; hẹn ban đầu 07/12/2025)" in text
    assert "Lý do hẹn lại: Chờ xác minh của cơ quan liên quan" in text


# --- overdue -----------------------------------------------------------------------------------------------

def overdue_noted(dossier, now) -> bool:
    return "đã quá ngày hẹn trả kết quả" in answer(dossier, now=now)


def test_overdue_is_noted_while_in_progress():
    late = DUE_AT + timedelta(days=1)
    assert overdue_noted(dossier_row(status=PROCESSING), late)
    assert not overdue_noted(dossier_row(status=PROCESSING), BEFORE_DUE)
    assert not overdue_noted(dossier_row(status=RESULT_READY), late)


def test_time_waiting_for_the_citizen_does_not_count():
    paused = dossier_row(status=PROCESSING, supplement_paused_seconds=3 * 86400)
    assert not overdue_noted(paused, DUE_AT + timedelta(days=2))
    assert overdue_noted(paused, DUE_AT + timedelta(days=4))
    waiting = dossier_row(status=SUPPLEMENT_REQUIRED, supplement_started_at=DUE_AT - timedelta(days=1),
                          supplement_paused_seconds=0)
    assert not overdue_noted(waiting, DUE_AT + timedelta(days=20))


def test_the_revised_appointment_is_the_one_that_counts():
    dossier = dossier_row(status=PROCESSING, revised_due_at=DUE_AT + timedelta(days=5), supplement_paused_seconds=0)
    assert not overdue_noted(dossier, DUE_AT + timedelta(days=1))


# --- the applicant's name ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, masked", [
    ("Nguyễn Văn An", "Nguyễn V** A*"),
    ("Trần Thị Ánh Tuyết", "Trần T** Á** T****"),
    ("  Lê   Bình ", "Lê B***"),
    ("Hoa", "Hoa"),
    ("", ""),
])
def test_names_are_masked_after_the_family_name(name, masked):
    assert answers.mask_name(name) == masked


def test_a_stranger_sees_the_name_masked():
    text = answer(dossier_row(applicant_zalo_user_id="8000999"))
    assert "Người nộp: Nguyễn V** A*" in text and "Nguyễn Văn An" not in text


def test_the_applicants_zalo_account_sees_the_name():
    dossier = dossier_row(applicant_zalo_user_id="8000001")
    assert "Người nộp: Nguyễn Văn An" in answer(dossier, sender=Sender("8000001"))


def test_a_citizen_who_shared_the_dossiers_phone_sees_the_name():
    assert "Người nộp: Nguyễn Văn An" in answer(dossier_row(), sender=Sender("8000001", "+84912345678"))
    assert "Người nộp: Nguyễn V** A*" in answer(dossier_row(), sender=Sender("8000001", "+84987654321"))


def test_no_phone_on_either_side_is_not_a_link():
    assert not answers.is_linked(dossier_row(applicant_phone=None), Sender("8000001", None))


# --- no dossier, menu, fallback ----------------------------------------------------------------------------

def test_an_unknown_code_gets_the_format_and_the_hotline():
    text = answers.not_found_answer("H15.50.05-250715-0001", DESK)
    assert "Không tìm thấy hồ sơ có mã H15.50.05-250715-0001 tại tỉnh Bắc Ninh." in text
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in text and "000.00.24.H04-251128-0001" in text
    assert "đường dây nóng 02223822222" in text


def test_without_a_hotline_there_is_no_hotline_line():
    text = answers.not_found_answer("X", Desk(oa_name="OA", place="tỉnh Bắc Ninh"))
    assert "đường dây nóng" not in text


def test_a_bad_code_is_explained():
    assert "Mã hồ sơ “ABC” chưa đúng định dạng." in answers.bad_code_answer("ABC", DESK)
    assert "Ông/Bà chưa gửi mã hồ sơ cần tra cứu." in answers.bad_code_answer("", DESK)


def test_the_menu_lists_the_commands():
    text = answers.menu_answer(DESK)
    assert text.startswith("Trung tâm PVHCC tỉnh Bắc Ninh hỗ trợ Ông/Bà qua Zalo:")
    for command in ("tra cứu 000.00.24.H04-251128-0001", "thủ tục khai sinh", "“hướng dẫn”"):
        assert command in text


def test_the_fallback_is_friendly_and_explains_the_commands():
    text = answers.fallback_answer(DESK)
    assert text.startswith("Xin chào!") and "chưa hiểu tin nhắn của Ông/Bà" in text
    assert answers.COMMANDS in text


# --- the catalogue -----------------------------------------------------------------------------------------

def procedure(number: int, **fields) -> Procedure:
    return Procedure(code=f"1.00000{number}", **({"name": f"Thủ tục số {number}"} | fields))


def test_procedures_show_processing_time_and_fee():
    text = answers.procedures_answer("thường trú", [PROCEDURE], DESK)
    assert "1. Đăng ký thường trú (mã 1.004222)" in text
    assert "Thời hạn giải quyết: 7 ngày làm việc" in text and "Phí, lệ phí: 20.000 đồng" in text


@pytest.mark.parametrize("fields, time, fee", [
    ({"processing_time_value": 0, "processing_time_note": "trong ngày", "fee_vnd": 0}, "trong ngày", "không thu"),
    ({"processing_time_value": 0}, "trong ngày", "theo quy định hiện hành"),
    ({"processing_time_value": 15, "processing_time_unit": "day", "fee_note": "20.000 đ trực tiếp"},
     "15 ngày", "20.000 đ trực tiếp"),
    ({}, "theo quy định hiện hành", "theo quy định hiện hành"),
])
def test_time_and_fee_wording(fields, time, fee):
    assert (answers.processing_time(procedure(1, **fields)), answers.fee(procedure(1, **fields))) == (time, fee)


def test_at_most_five_procedures_and_the_rest_counted():
    text = answers.procedures_answer("thủ tục", [procedure(n) for n in range(1, 9)], DESK)
    assert "5. Thủ tục số 5" in text and "Thủ tục số 6" not in text
    assert "… và 3 thủ tục khác." in text


def test_no_matching_procedure_gets_a_hint():
    text = answers.procedures_answer("bay lên mặt trăng", [], DESK)
    assert "Chưa tìm thấy thủ tục nào có tên gồm “bay lên mặt trăng” tại tỉnh Bắc Ninh." in text
    assert "thủ tục khai sinh" in answers.procedures_answer("", [], DESK)


# --- Zalo's 2,000 characters -------------------------------------------------------------------------------

def test_a_huge_supplement_list_still_fits_one_message():
    documents = [f"Giấy tờ số {n}: " + "bản sao có chứng thực " * 20 for n in range(100)]
    dossier = dossier_row(status=SUPPLEMENT_REQUIRED, applicant_name="Nguyễn " + "Văn " * 100 + "An",
                          events=[reached(SUPPLEMENT_REQUIRED, missing_documents=documents, note="x" * 3000)])
    text = answer(dossier)
    assert len(text) <= answers.ZALO_TEXT_LIMIT
    assert "Giấy tờ cần bổ sung:" in text


def test_a_long_reason_is_shortened_and_the_hotline_survives():
    events = [reached(REFUSED, reason="Không đủ điều kiện " * 150, note="Ghi chú " * 300)]
    text = answer(dossier_row(status=REFUSED, events=events))
    assert len(text) <= answers.ZALO_TEXT_LIMIT
    assert "Lý do: Không đủ điều kiện" in text and text.endswith("đường dây nóng 02223822222.")


def test_every_answer_fits_one_message():
    long_name = "thủ tục " * 300
    many = [procedure(n, name="Tên rất dài " * 50) for n in range(1, 9)]
    for text in (answers.not_found_answer("A" * 2500, DESK), answers.bad_code_answer("B" * 2500, DESK),
                 answers.menu_answer(DESK), answers.fallback_answer(DESK),
                 answers.procedures_answer(long_name, many, DESK), answers.procedures_answer(long_name, [], DESK)):
        assert 0 < len(text) <= answers.ZALO_TEXT_LIMIT


def test_fit_cuts_at_a_line_and_says_so():
    text = answers.fit("\n".join(["một dòng"] * 500))
    assert len(text) <= 2000 and text.endswith("vui lòng liên hệ Bộ phận Một cửa để biết đầy đủ)")
    assert answers.fit("ngắn") == "ngắn"
