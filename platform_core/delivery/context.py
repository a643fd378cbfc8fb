"""What a message template can use: the fields of a dossier event, as plain values (dates already formatted
for the province's day, Asia/Ho_Chi_Minh). Templates referring to anything else are refused on save."""

from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")

# name -> what it is (shown in the template editor)
CONTEXT_FIELDS = {
    "ma_ho_so": "Mã hồ sơ (dossier code)",
    "ten_thu_tuc": "Tên thủ tục (procedure name)",
    "ma_thu_tuc": "Mã thủ tục (procedure code)",
    "nguoi_nop": "Họ tên người nộp (applicant)",
    "trang_thai": "Trạng thái (status, in Vietnamese)",
    "ngay_tiep_nhan": "Ngày tiếp nhận (received on, dd/mm/yyyy)",
    "ngay_hen_tra": "Ngày hẹn trả kết quả (appointment, dd/mm/yyyy)",
    "ngay_hen_moi": "Ngày hẹn mới (new appointment after an apology, dd/mm/yyyy)",
    "giay_to_can_bo_sung": "Giấy tờ cần bổ sung (list of missing documents)",
    "ly_do": "Lý do (reason: refusal, stop, apology)",
    "ghi_chu": "Ghi chú (note from the officer)",
    "co_quan": "Cơ quan giải quyết (agency)",
    "ten_tinh": "Tên tỉnh, thành phố (province)",
    "ten_oa": "Tên Zalo OA",
}


def vn_date(value: datetime | None) -> str:
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y") if value else ""


def dossier_context(dossier, event, procedure, tenant, oa_name: str | None) -> dict:
    """The values a template sees for `event` of `dossier` (stored on the notification: a later edit of the
    dossier does not change a message already decided)."""
    status = event.to_status or dossier.status
    return {
        "ma_ho_so": dossier.code,
        "ten_thu_tuc": procedure.name,
        "ma_thu_tuc": procedure.code,
        "nguoi_nop": dossier.applicant_name,
        "trang_thai": str(STATUS_LABELS_VI.get(status, "")),
        "ngay_tiep_nhan": vn_date(dossier.received_at),
        "ngay_hen_tra": vn_date(dossier.revised_due_at or dossier.due_at),
        "ngay_hen_moi": vn_date(event.new_due_at),
        "giay_to_can_bo_sung": list(event.missing_documents or []),
        "ly_do": event.reason or "",
        "ghi_chu": event.note or "",
        "co_quan": procedure.agency,
        "ten_tinh": tenant.name,
        "ten_oa": oa_name or tenant.name,
    }


# Messages to citizens are always Vietnamese, whatever the admin's UI language.
STATUS_LABELS_VI = {
    1: "Mới đăng ký", 2: "Đã tiếp nhận", 3: "Không được tiếp nhận", 4: "Đang xử lý", 5: "Yêu cầu bổ sung",
    6: "Yêu cầu thực hiện nghĩa vụ tài chính", 7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý",
    9: "Đã có kết quả", 10: "Đã trả kết quả",
}
