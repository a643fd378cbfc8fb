"""What the citizen reads on Zalo about a registration (Vietnamese whatever the console's language, as every
message to citizens): the procedure's requirements with the form's link, the choices when a name matches several
procedures, and the confirmations (received; made into a dossier)."""

from platform_core.bot.answers import fee, processing_time
from platform_core.catalogue.models import Procedure
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.registrations.constants import LINK_HOURS
from platform_core.registrations.models import Registration

HEADER = "Đăng ký thủ tục qua Zalo"
BUTTON = "Điền mẫu đăng ký"


def requirements(procedure: Procedure, url: str) -> ComposedMessage:
    lines = [f"Thủ tục: {procedure.name} (mã {procedure.code})",
             f"- Cơ quan giải quyết: {procedure.agency}",
             f"- Thời hạn giải quyết: {processing_time(procedure)}",
             f"- Phí, lệ phí: {fee(procedure)}"]
    if procedure.result:
        lines.append(f"- Kết quả: {procedure.result}")
    lines.append(f"Ông/Bà bấm “{BUTTON}” để đăng ký trước; cán bộ một cửa sẽ liên hệ Ông/Bà để hoàn tất hồ sơ. "
                 f"Liên kết có hiệu lực {LINK_HOURS} giờ.")
    return ComposedMessage(text="\n".join(lines), header=HEADER, buttons=(ComposedButton(BUTTON, url=url),))


def choices(procedures: list[Procedure], typed: str | None) -> str:
    intro = (f"Có nhiều thủ tục phù hợp với “{typed}”." if typed else "Ông/Bà có thể đăng ký các thủ tục sau qua Zalo.")
    lines = [intro, "Ông/Bà vui lòng gửi “đăng ký” kèm tên thủ tục, ví dụ:"]
    lines += [f"- đăng ký {procedure.name[:1].lower()}{procedure.name[1:]}" for procedure in procedures]
    return "\n".join(lines)


def not_offered(typed: str, procedures: list[Procedure]) -> str:
    return "\n".join([f"Thủ tục “{typed}” chưa nhận đăng ký qua Zalo. Ông/Bà có thể đăng ký các thủ tục sau:",
                      *(f"- {procedure.name}" for procedure in procedures)])


def received(registration: Registration) -> ComposedMessage:
    text = (f"Ông/Bà đã đăng ký thủ tục {registration.procedure_name}. Cán bộ một cửa sẽ liên hệ Ông/Bà để hoàn "
            "tất hồ sơ; khi hồ sơ được tạo, Ông/Bà sẽ nhận thông báo qua Zalo.")
    return ComposedMessage(text=text, header="Đã nhận đăng ký", code_label="Mã đăng ký",
                           code=registration.reference, status="Đã nhận", status_colour="blue")


def linked(registration: Registration) -> ComposedMessage:
    text = (f"Đăng ký {registration.reference} (thủ tục {registration.procedure_name}) của Ông/Bà đã được lập "
            "thành hồ sơ. Ông/Bà sẽ nhận thông báo qua Zalo mỗi khi hồ sơ có tiến triển.")
    return ComposedMessage(text=text, header="Hồ sơ đã được lập", code_label="Mã hồ sơ",
                           code=registration.dossier_code, status="Đã tạo hồ sơ", status_colour="green")
