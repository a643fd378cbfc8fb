"""What a message template can use: the fields of a dossier event, as plain values (dates already formatted
for the province's day, Asia/Ho_Chi_Minh). Templates referring to anything else are refused on save."""

from platform_core.clock import vn_date
from platform_core.dossiers.constants import STATUS_LABELS_VI

# name -> its name in Vietnamese: what the template editor shows, between square brackets, for the field
# (`[Mã hồ sơ]`, notices/placeholders.py). These are the words of the messages, not of the interface, so they are
# not translated; changing one breaks what admins learnt, not stored templates (those keep the Jinja names).
CONTEXT_FIELDS = {
    "ma_ho_so": "Mã hồ sơ",
    "ten_thu_tuc": "Tên thủ tục",
    "ma_thu_tuc": "Mã thủ tục",
    "nguoi_nop": "Họ tên người nộp",
    "trang_thai": "Trạng thái",
    "ngay_tiep_nhan": "Ngày tiếp nhận",
    "ngay_hen_tra": "Ngày hẹn trả",
    "ngay_hen_moi": "Ngày hẹn mới",
    "giay_to_can_bo_sung": "Giấy tờ cần bổ sung",
    "ly_do": "Lý do",
    "ghi_chu": "Ghi chú",
    "co_quan": "Cơ quan giải quyết",
    "ten_tinh": "Tên tỉnh, thành phố",
    "dia_danh": "Địa danh",
    "ten_oa": "Tên Zalo OA",
}


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
        "dia_danh": tenant.place_name,
        "ten_oa": oa_name or tenant.place_name,
    }

