"""The sample file offered beside the import's upload form (CSV or XLSX, exporter.py's format): two complete
procedures showing how each column is written, their agencies taken from the province's own list (setup step
1) so that the example reads like the province's catalogue."""

from platform_core.catalogue.models import Procedure
from platform_core.catalogue.service import province_agencies

_EXAMPLES = (
    {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "Hộ tịch", "level": "xa",
     "processing_time_value": 1, "processing_time_unit": "working_day", "fee_vnd": 0,
     "fee_note": "Miễn lệ phí khi đăng ký đúng hạn", "online_level": "toan_trinh", "result": "Giấy khai sinh"},
    {"code": "2.000815", "name": "Chứng thực bản sao từ bản chính", "field": "Chứng thực", "level": "xa",
     "processing_time_value": None, "processing_time_unit": None, "processing_time_note": "Trong ngày",
     "fee_vnd": 2000, "fee_note": "mỗi trang", "online_level": "mot_phan", "result": "Bản sao được chứng thực"},
)
_ANY_AGENCY = "UBND xã, phường"


def sample_procedures() -> list[Procedure]:
    """Unsaved procedures (never added to the session) for the sample file."""
    agencies = province_agencies()
    return [Procedure(**example, agency=agencies[index % len(agencies)] if agencies else _ANY_AGENCY, enabled=True)
            for index, example in enumerate(_EXAMPLES)]

