"""The bot's answers, in Vietnamese, composed from objects already loaded (no queries here).

Every answer fits one Zalo consultation text (2,000 characters) and tells the citizen what to do next: a
wrong or unknown code gets the format and where to find it, never silence. A dossier found by its code shows
the applicant's name masked unless the asker is linked to the dossier (a name is personal data, docs/domain.md
§6, and knowing a code printed on a slip is not proof of being the applicant).
"""

import unicodedata
from datetime import datetime

from platform_core.bot.lookup import Desk, Sender
from platform_core.clock import vn_date
from platform_core.dossiers import clock
from platform_core.dossiers.constants import (
    EVENT_APOLOGY,
    FINANCIAL_OBLIGATION,
    PROCESSING,
    RECEIVED,
    REFUSED,
    RESULT_READY,
    RETURNED,
    STATUS_LABELS_VI,
    STOPPED,
    SUBMITTED,
    SUPPLEMENT_REQUIRED,
    WITHDRAWAL_REQUESTED,
)

ZALO_TEXT_LIMIT = 2000
MAX_PROCEDURES = 5
MAX_OWN_DOSSIERS = 5
MAX_DOCUMENTS = 15
MAX_ITEM_CHARS = 200  # one missing document, one procedure name
MAX_REMARK_CHARS = 600  # an officer's reason or note (the API allows 2,000)
CODE_EXAMPLE = "000.00.24.H04-251128-0001"
ONLINE, POSTAL = 2, 3
IN_PROGRESS = {SUBMITTED, RECEIVED, PROCESSING, SUPPLEMENT_REQUIRED, FINANCIAL_OBLIGATION, WITHDRAWAL_REQUESTED}
ONE_STOP_DESK = "Bộ phận Tiếp nhận và Trả kết quả nơi Ông/Bà đã nộp hồ sơ"

GUIDANCE = {
    SUBMITTED: "Hồ sơ đang chờ cán bộ kiểm tra và tiếp nhận. Ông/Bà sẽ nhận được tin nhắn khi hồ sơ được tiếp nhận.",
    RECEIVED: "Hồ sơ đã được tiếp nhận và đang được chuyển đến cơ quan giải quyết. "
              "Vui lòng giữ Giấy tiếp nhận hồ sơ và hẹn trả kết quả.",
    REFUSED: "Hồ sơ không được tiếp nhận.",
    PROCESSING: "Hồ sơ đang được giải quyết, Ông/Bà chưa cần làm gì thêm. "
                "Chúng tôi sẽ nhắn tin khi có kết quả hoặc khi cần bổ sung giấy tờ.",
    SUPPLEMENT_REQUIRED: "Hồ sơ cần bổ sung giấy tờ. Thời gian chờ Ông/Bà bổ sung không tính vào thời hạn giải quyết.",
    FINANCIAL_OBLIGATION: "Vui lòng nộp phí, lệ phí hoặc thuế theo thông báo của cơ quan giải quyết. "
                          "Hồ sơ sẽ được xử lý tiếp sau khi Ông/Bà hoàn thành nghĩa vụ tài chính.",
    WITHDRAWAL_REQUESTED: "Yêu cầu rút hồ sơ của Ông/Bà đã được ghi nhận và đang chờ cán bộ xác nhận.",
    STOPPED: "Hồ sơ đã dừng xử lý.",
    RESULT_READY: "Hồ sơ đã có kết quả.",
    RETURNED: "Kết quả đã được trả cho Ông/Bà. Cảm ơn Ông/Bà đã sử dụng dịch vụ công.",
}
SUPPLEMENT_HOW = {
    ONLINE: "Cách nộp: đăng nhập Cổng Dịch vụ công nơi Ông/Bà đã nộp hồ sơ, mở hồ sơ này và tải lên giấy tờ bổ sung.",
    None: f"Cách nộp: mang giấy tờ bổ sung cùng Giấy tiếp nhận hồ sơ đến {ONE_STOP_DESK}, "
          "hoặc gửi qua dịch vụ bưu chính công ích.",
}
COLLECT_HOW = {
    POSTAL: "Cách nhận: kết quả được gửi qua dịch vụ bưu chính công ích đến địa chỉ Ông/Bà đã đăng ký.",
    None: f"Cách nhận: đến {ONE_STOP_DESK}, mang theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả cùng căn cước "
          "công dân. Nếu Ông/Bà đã đăng ký nhận kết quả qua bưu chính hoặc trực tuyến, kết quả sẽ được gửi "
          "theo hình thức đó.",
}
# Said with Zalo's request_user_info card (bot/phone_link.py), whose button shares the phone: never without it.
SHARE_PHONE = ("Bấm “Chia sẻ thông tin” trong tin nhắn tiếp theo để chia sẻ số điện thoại Ông/Bà đã dùng khi nộp "
               "hồ sơ: Ông/Bà sẽ xem được đầy đủ hồ sơ của mình và nhận thông báo hồ sơ ngay trên Zalo.")
COMMANDS = (
    f"1. Tra cứu hồ sơ: gửi mã hồ sơ in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, "
    f"ví dụ: tra cứu {CODE_EXAMPLE}\n"
    "2. Tìm thủ tục hành chính: gửi “thủ tục” kèm tên thủ tục, ví dụ: thủ tục khai sinh\n"
    "3. Xem lại hướng dẫn này: gửi “hướng dẫn”\n"
    "4. Xem các hồ sơ của Ông/Bà: gửi “hồ sơ của tôi”"
)


# --- a dossier --------------------------------------------------------------------------------------------

def dossier_answer(dossier, procedure, sender: Sender, desk: Desk, now: datetime) -> str:
    lines = [
        f"Hồ sơ {dossier.code}",
        f"Thủ tục: {procedure.name if procedure else dossier.procedure_code}",
        *([f"Cơ quan giải quyết: {procedure.agency}"] if procedure and procedure.agency else []),
        f"Người nộp: {dossier.applicant_name if is_linked(dossier, sender) else mask_name(dossier.applicant_name)}",
        f"Trạng thái: {STATUS_LABELS_VI.get(dossier.status, dossier.status)}",
        f"Ngày tiếp nhận: {vn_date(dossier.received_at)}",
        *_appointment_lines(dossier),
        *_overdue_lines(dossier, now),
        "",
        GUIDANCE.get(dossier.status, ""),
        *_status_details(dossier),
        *([SHARE_PHONE] if needs_phone(dossier, sender) else []),
        *_contact_lines(desk),
    ]
    return fit("\n".join(lines))


def needs_phone(dossier, sender: Sender) -> bool:
    """The dossier reaches its applicant only by phone (ZNS) and the asker has not shared one: sharing it would
    link them, and later notices would come by the OA's own messages (bot/phone_link.py)."""
    return bool(dossier.applicant_phone) and not dossier.applicant_zalo_user_id and not sender.phone_e164


def is_linked(dossier, sender: Sender) -> bool:
    """The asker is the applicant as far as we can tell: the one-stop system gave their Zalo id, or they
    shared (user_submit_info) the phone the dossier was filed with."""
    by_zalo = bool(dossier.applicant_zalo_user_id) and dossier.applicant_zalo_user_id == sender.zalo_user_id
    by_phone = bool(sender.phone_e164) and sender.phone_e164 == dossier.applicant_phone
    return by_zalo or by_phone


def mask_name(name: str) -> str:
    """"Nguyễn Văn An" -> "Nguyễn V** A*": the family name is shared by millions, the rest identifies."""
    words = unicodedata.normalize("NFC", name).split()
    if not words:
        return ""
    return " ".join(words[:1] + [word[0] + "*" * (len(word) - 1) for word in words[1:]])


def _appointment_lines(dossier) -> list[str]:
    if dossier.status == RETURNED and dossier.returned_at:
        return [f"Ngày trả kết quả: {vn_date(dossier.returned_at)}"]
    if not dossier.revised_due_at:
        return [f"Ngày hẹn trả kết quả: {vn_date(dossier.due_at)}"]
    apology = _latest_event(dossier, lambda event: event.kind == EVENT_APOLOGY)
    reason = apology.reason if apology and apology.reason else None
    return [f"Ngày hẹn trả kết quả: {vn_date(dossier.revised_due_at)} "
            f"(đã hẹn lại; hẹn ban đầu {vn_date(dossier.due_at)})",
            *([f"Lý do hẹn lại: {_shorten(reason, MAX_REMARK_CHARS)}"] if reason else [])]


def _overdue_lines(dossier, now: datetime) -> list[str]:
    """Only while the citizen still waits: a late result already handed over needs no warning."""
    if dossier.status not in IN_PROGRESS or not clock.overdue(dossier, now):
        return []
    return ["Lưu ý: hồ sơ đã quá ngày hẹn trả kết quả. Cơ quan giải quyết có trách nhiệm gửi Ông/Bà văn bản "
            "xin lỗi và hẹn lại ngày trả kết quả."]


def _status_details(dossier) -> list[str]:
    """What the latest event of the current status says: the documents to add, the reason, the note."""
    event = _latest_event(dossier, lambda event: event.to_status == dossier.status)
    details = []
    if dossier.status == SUPPLEMENT_REQUIRED:
        details += _missing_documents(event)
        details.append(SUPPLEMENT_HOW.get(dossier.channel, SUPPLEMENT_HOW[None]))
    elif dossier.status in (REFUSED, STOPPED):
        reason = (event and event.reason) or f"vui lòng liên hệ {ONE_STOP_DESK} để biết chi tiết."
        details.append(f"Lý do: {_shorten(reason, MAX_REMARK_CHARS)}")
    elif dossier.status == RESULT_READY:
        details.append(COLLECT_HOW.get(dossier.channel, COLLECT_HOW[None]))
    if event and event.note:
        details.append(f"Ghi chú của cán bộ: {_shorten(event.note, MAX_REMARK_CHARS)}")
    return details


def _missing_documents(event) -> list[str]:
    documents = [str(document) for document in (event.missing_documents if event else None) or []]
    if not documents:
        return ["Giấy tờ cần bổ sung: theo Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ đã gửi Ông/Bà."]
    shown = [f"- {_shorten(document)}" for document in documents[:MAX_DOCUMENTS]]
    if len(documents) > MAX_DOCUMENTS:
        shown.append(f"- và {len(documents) - MAX_DOCUMENTS} giấy tờ khác (xem Phiếu yêu cầu bổ sung)")
    return ["Giấy tờ cần bổ sung:", *shown]


def _latest_event(dossier, matches):
    return next((event for event in reversed(dossier.events or []) if matches(event)), None)


# --- no dossier -------------------------------------------------------------------------------------------

def not_found_answer(code: str, desk: Desk) -> str:
    """The same words for a typo, a code not yet synced and another province's code: nothing leaks."""
    return fit("\n".join([
        f"Không tìm thấy hồ sơ có mã {code} tại {desk.place}.",
        *_code_help(),
        "Nếu Ông/Bà nộp hồ sơ ở tỉnh, thành phố khác, vui lòng tra cứu qua Zalo OA của địa phương đó.",
        *_contact_lines(desk),
    ]))


def bad_code_answer(typed: str, desk: Desk) -> str:
    opening = f"Mã hồ sơ “{typed}” chưa đúng định dạng." if typed else "Ông/Bà chưa gửi mã hồ sơ cần tra cứu."
    return fit("\n".join([opening, *_code_help(), *_contact_lines(desk)]))


def _code_help() -> list[str]:
    return [
        "Vui lòng kiểm tra mã hồ sơ in trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Mã có dạng: mã cơ quan - "
        f"ngày tiếp nhận - số thứ tự, ví dụ: {CODE_EXAMPLE}",
        "Gửi lại theo cú pháp: tra cứu <mã hồ sơ> (có thể viết thường, không cần dấu).",
    ]


# --- menu, fallback ---------------------------------------------------------------------------------------

def menu_answer(desk: Desk, asks_phone: bool = False) -> str:
    """`asks_phone`: the citizen has not shared a phone, and the request card follows this answer."""
    return fit("\n".join([
        f"{desk.oa_name} hỗ trợ Ông/Bà qua Zalo:",
        COMMANDS,
        "Khi hồ sơ thay đổi trạng thái, chúng tôi sẽ nhắn tin cho Ông/Bà tại đây.",
        *([SHARE_PHONE] if asks_phone else []),
        *_contact_lines(desk),
    ]))


def own_dossiers_answer(dossiers: list, sender: Sender, desk: Desk) -> str:
    """"Hồ sơ của tôi": the citizen's dossiers, or how to let us find them."""
    if not dossiers and not sender.phone_e164:
        return fit("\n".join(["Chúng tôi chưa biết hồ sơ nào của Ông/Bà.", SHARE_PHONE,
                               f"Hoặc gửi mã hồ sơ, ví dụ: tra cứu {CODE_EXAMPLE}", *_contact_lines(desk)]))
    if not dossiers:
        return fit("\n".join([f"Chưa có hồ sơ nào nộp bằng số điện thoại Ông/Bà đã chia sẻ tại {desk.place}.",
                               *_code_help(), *_contact_lines(desk)]))
    lines = ["Hồ sơ của Ông/Bà:"]
    for number, dossier in enumerate(dossiers[:MAX_OWN_DOSSIERS], start=1):
        lines.append(f"{number}. {dossier.code}: {STATUS_LABELS_VI.get(dossier.status, dossier.status)}")
    lines += ["Gửi “tra cứu” kèm mã hồ sơ để xem chi tiết.", *_contact_lines(desk)]
    return fit("\n".join(lines))


def fallback_answer(desk: Desk) -> str:
    return fit("\n".join([
        f"Xin chào! {desk.oa_name} chưa hiểu tin nhắn của Ông/Bà. Ông/Bà có thể:",
        COMMANDS,
        *_contact_lines(desk),
    ]))


def _contact_lines(desk: Desk) -> list[str]:
    return [f"Cần hỗ trợ thêm, vui lòng gọi đường dây nóng {desk.hotline}."] if desk.hotline else []


# --- the catalogue ----------------------------------------------------------------------------------------

def procedures_answer(name: str, procedures: list, desk: Desk) -> str:
    if not name:
        return fit("Vui lòng gửi “thủ tục” kèm tên thủ tục cần tìm, ví dụ: thủ tục khai sinh, "
                   "thủ tục đăng ký thường trú.")
    if not procedures:
        return fit(f"Chưa tìm thấy thủ tục nào có tên gồm “{name}” tại {desk.place}. Hãy thử từ khóa ngắn "
                   "hơn, ví dụ: thủ tục khai sinh, thủ tục thường trú.")
    lines = [f"Các thủ tục phù hợp với “{name}”:"]
    for number, procedure in enumerate(procedures[:MAX_PROCEDURES], start=1):
        lines += [f"{number}. {_shorten(procedure.name)} (mã {procedure.code})",
                  f"   - Thời hạn giải quyết: {processing_time(procedure)}",
                  f"   - Phí, lệ phí: {fee(procedure)}"]
    if len(procedures) > MAX_PROCEDURES:
        lines.append(f"… và {len(procedures) - MAX_PROCEDURES} thủ tục khác. Gửi tên đầy đủ hơn để thu hẹp "
                     "kết quả.")
    return fit("\n".join(lines))


TIME_UNITS_VI = {"working_day": "ngày làm việc", "day": "ngày", "hour": "giờ"}


def processing_time(procedure) -> str:
    value, note = procedure.processing_time_value, procedure.processing_time_note
    if value is None:
        return note or "theo quy định hiện hành"
    if value == 0:
        return note or "trong ngày"
    amount = f"{value} {TIME_UNITS_VI.get(procedure.processing_time_unit, 'ngày')}"
    return f"{amount} ({note})" if note else amount


def fee(procedure) -> str:
    if procedure.fee_note:
        return procedure.fee_note
    if procedure.fee_vnd is None:
        return "theo quy định hiện hành"
    if procedure.fee_vnd == 0:
        return "không thu"
    return f"{procedure.fee_vnd:,} đồng".replace(",", ".")


# --- length -----------------------------------------------------------------------------------------------

def fit(text: str, limit: int = ZALO_TEXT_LIMIT) -> str:
    """Zalo refuses a consultation text over 2,000 characters: cut at a line break, say it was cut."""
    if len(text) <= limit:
        return text
    ending = "\n…(nội dung quá dài, vui lòng liên hệ Bộ phận Một cửa để biết đầy đủ)"
    cut = text[: limit - len(ending)]
    return cut[: cut.rfind("\n")] + ending if "\n" in cut else cut + ending


def _shorten(text: str, limit: int = MAX_ITEM_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
