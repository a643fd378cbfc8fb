"""What the citizen reads on Zalo about a registration (Vietnamese whatever the console's language, as every
message to citizens): the procedure's requirements (with the documents to bring) and the form's link, the
numbered menu of procedures, and the confirmations (received, with the appointment and its cancel button;
appointment cancelled; made into a dossier), and the answers to a citizen cancelling on Zalo."""

import re

from flask_babel import force_locale

from platform_core.bot.answers import fee, processing_time
from platform_core.catalogue.models import Procedure
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.registrations.appointments import label
from platform_core.registrations.constants import LINK_HOURS, MENU_BUTTONS
from platform_core.registrations.models import AppointmentSlot, Registration
from platform_core.text import fit
from platform_core.zalo.messages import MAX_BUTTON_TITLE

HEADER = "Đăng ký thủ tục qua Zalo"
BUTTON = "Điền mẫu đăng ký"
CANCEL_BUTTON = "Hủy lịch hẹn"
MENU_HEADER = "Chọn thủ tục đăng ký"
_MENU_LINE = re.compile(r"^(\d+)\. .* \(mã ([^()\s]+)\)$")


def requirements(procedure: Procedure, url: str) -> ComposedMessage:
    lines = [f"Thủ tục: {procedure.name} (mã {procedure.code})",
             f"- Cơ quan giải quyết: {procedure.agency}",
             f"- Thời hạn giải quyết: {processing_time(procedure)}",
             f"- Phí, lệ phí: {fee(procedure)}"]
    if procedure.result:
        lines.append(f"- Kết quả: {procedure.result}")
    if procedure.document_list:
        lines.append("- Giấy tờ cần mang theo:")
        lines += [f"  + {document}" for document in procedure.document_list]
    lines.append(f"Ông/Bà bấm “{BUTTON}” để đăng ký trước; cán bộ một cửa sẽ liên hệ Ông/Bà để hoàn tất hồ sơ. "
                 f"Liên kết có hiệu lực {LINK_HOURS} giờ.")
    return ComposedMessage(text="\n".join(lines), header=HEADER, buttons=(ComposedButton(BUTTON, url=url),))


def menu(procedures: list[Procedure], several: str | None = None, not_offered: str | None = None) -> ComposedMessage:
    """The numbered list of procedures open to registration: the citizen answers with a line's number, or a
    button (the first MENU_BUTTONS lines), which sends "đăng ký <code>" back."""
    if not_offered:
        intro = f"Thủ tục “{not_offered}” chưa nhận đăng ký qua Zalo. Ông/Bà có thể đăng ký các thủ tục sau:"
    elif several:
        intro = f"Có nhiều thủ tục phù hợp với “{several}”:"
    else:
        intro = "Ông/Bà có thể đăng ký các thủ tục sau qua Zalo:"
    lines = [intro, *(f"{number}. {procedure.name} (mã {procedure.code})"
                      for number, procedure in enumerate(procedures, start=1))]
    lines.append("Ông/Bà trả lời bằng số thứ tự của thủ tục (ví dụ: 1) để xem yêu cầu và nhận mẫu đăng ký.")
    buttons = tuple(ComposedButton(fit(f"{number}. {procedure.name}", MAX_BUTTON_TITLE),
                                   reply=f"đăng ký {procedure.code}")
                    for number, procedure in enumerate(procedures[:MENU_BUTTONS], start=1))
    return ComposedMessage(text="\n".join(lines), header=MENU_HEADER, buttons=buttons)


def menu_codes(message: ComposedMessage) -> list[str]:
    """The procedure codes of a menu's lines, in order ([] for any other message)."""
    if message.header != MENU_HEADER:
        return []
    return [found[2] for found in map(_MENU_LINE.match, message.text.splitlines()) if found]


def menu_out_of_range(count: int) -> str:
    return f"Ông/Bà vui lòng trả lời một số từ 1 đến {count}, hoặc gửi “đăng ký” để xem lại danh sách thủ tục."


def received(registration: Registration, slot: AppointmentSlot | None, address: str | None) -> ComposedMessage:
    """The appointment first: a transaction card keeps 250 characters of text."""
    text = f"Ông/Bà đã đăng ký thủ tục {registration.procedure_name}."
    if slot is not None:
        place = address or "Trung tâm Phục vụ hành chính công"
        text += (f" Lịch hẹn: {appointment(slot)} tại {place}; Ông/Bà mang theo giấy tờ tùy thân. Khi hồ sơ được "
                 "tạo, Ông/Bà sẽ nhận thông báo qua Zalo.")
    else:
        text += (" Cán bộ một cửa sẽ liên hệ Ông/Bà để hoàn tất hồ sơ; khi hồ sơ được tạo, Ông/Bà sẽ nhận thông báo "
                 "qua Zalo.")
    buttons = (cancel_button(registration),) if slot is not None else ()
    return ComposedMessage(text=text, header="Đã nhận đăng ký", code_label="Mã đăng ký",
                           code=registration.reference, status="Đã nhận", status_colour="blue", buttons=buttons)


def cancel_button(registration: Registration) -> ComposedButton:
    """Sends "hủy lịch hẹn DK-…" back (registrations/bot.py); a consultation text spells it out, since it names
    the registration whatever the OA sent since. A plain "ok" to the confirmation does not press it."""
    return ComposedButton(CANCEL_BUTTON, reply=f"{CANCEL_BUTTON.lower()} {registration.reference}", spell_out=True,
                          never_yes=True)


def which_appointment(registrations: list[Registration]) -> ComposedMessage:
    """The citizen has several appointments to come: one line and one button each (the first MENU_BUTTONS)."""
    lines = ["Ông/Bà có các lịch hẹn sau:",
             *(f"- {item.reference}: {appointment(item.slot)} (thủ tục {item.procedure_name})"
               for item in registrations),
             "Ông/Bà bấm nút của lịch hẹn muốn hủy, hoặc gửi “hủy lịch hẹn” kèm mã đăng ký (ví dụ: hủy lịch hẹn "
             f"{registrations[0].reference})."]
    buttons = tuple(ComposedButton(f"Hủy {item.reference}", reply=f"{CANCEL_BUTTON.lower()} {item.reference}",
                                   never_yes=True) for item in registrations[:MENU_BUTTONS])
    return ComposedMessage(text="\n".join(lines), header="Chọn lịch hẹn cần hủy", buttons=buttons)


def no_appointment(reference: str | None) -> str:
    if reference:
        return (f"Không tìm thấy lịch hẹn sắp tới nào của Ông/Bà có mã đăng ký {reference}. Ông/Bà kiểm tra lại "
                "mã trong tin nhắn xác nhận đăng ký.")
    return "Ông/Bà không có lịch hẹn nào sắp tới để hủy."


def appointment_cancelled(registration: Registration, slot: AppointmentSlot) -> ComposedMessage:
    text = (f"Lịch hẹn {appointment(slot)} của đăng ký {registration.reference} (thủ tục "
            f"{registration.procedure_name}) đã được hủy. Ông/Bà có thể đăng ký lại và chọn lịch hẹn khác.")
    return ComposedMessage(text=text, header="Lịch hẹn đã hủy", code_label="Mã đăng ký",
                           code=registration.reference, status="Đã hủy lịch hẹn", status_colour="red")


def appointment(slot: AppointmentSlot) -> str:
    """"Thứ Hai 28/12/2026, 08:00–09:00": in Vietnamese, as every message to citizens."""
    with force_locale("vi"):
        return label(slot)


def linked(registration: Registration) -> ComposedMessage:
    text = (f"Đăng ký {registration.reference} (thủ tục {registration.procedure_name}) của Ông/Bà đã được lập "
            "thành hồ sơ. Ông/Bà sẽ nhận thông báo qua Zalo mỗi khi hồ sơ có tiến triển.")
    return ComposedMessage(text=text, header="Hồ sơ đã được lập", code_label="Mã hồ sơ",
                           code=registration.dossier_code, status="Đã tạo hồ sơ", status_colour="green")
