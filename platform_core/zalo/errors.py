"""Zalo error taxonomy: every documented code maps to one Outcome, with a plain explanation for admins.

One table per API family (docs/zalo-oa.md §6): the OA OpenAPI, ZNS and OAuth number their errors
independently, and the same number can mean different things: -100 is "attachment expired" on the OA API
(re-upload, do not retry blindly) but "unknown error, retry later" on ZNS. Jobs switch on `Outcome`, never
on numbers, so what a code means is decided here and nowhere else.

Success is always read from the body, never from the HTTP status: `error == 0` on the OA API and ZNS,
the presence of `access_token` on OAuth, whose failures may come back with HTTP 200 (docs/zalo-oa.md §1).
"""

import json
import logging
import re
import threading
from dataclasses import dataclass
from enum import Enum
from typing import Any

from platform_core.zalo.phone import mask

logger = logging.getLogger(__name__)


class Outcome(Enum):
    RETRY = "retry"  # transient: back off with jitter
    RATE_LIMITED = "rate_limited"  # -32: wait until the next minute
    REFRESH_TOKEN = "refresh_token"  # noqa: S105 (not a secret) refresh the access token once, then retry once
    INELIGIBLE = "ineligible"  # this citizen cannot get this message type now: try another channel
    DEFER_QUOTA = "defer_quota"  # a quota is exhausted: try again when it resets
    DEFER_NIGHT = "defer_night"  # not allowed 22:00-06:00: try again after 06:00
    PERMANENT = "permanent"  # this message will never go through as it is
    CONFIGURATION = "configuration"  # the tenant's Zalo set-up needs an operator or admin


class Family(Enum):
    OA = "oa"
    ZNS = "zns"
    OAUTH = "oauth"


@dataclass(frozen=True)
class ErrorInfo:
    code: int | None
    family: Family
    outcome: Outcome
    vi: str
    en: str
    known: bool = True


@dataclass(frozen=True)
class RateLimit:
    """Zalo's per-app, per-minute budget as reported on every response (docs/zalo-oa.md §7)."""

    limit: int | None
    remain: int | None

    @classmethod
    def from_headers(cls, headers) -> "RateLimit | None":
        limit, remain = int_or_none(headers.get("X-RateLimit-Limit")), int_or_none(headers.get("X-RateLimit-Remain"))
        if limit is None and remain is None:
            return None
        return cls(limit, remain)


RATE_LIMITED_CODE = -32  # the app's requests of this minute are spent (docs/zalo-oa.md §7)

OA_CODES: dict[int, tuple[Outcome, str, str]] = {
    RATE_LIMITED_CODE: (Outcome.RATE_LIMITED,
                        "Ứng dụng đã gửi quá số yêu cầu cho phép trong một phút; hệ thống sẽ gửi lại ở phút sau.",
                        "The app exceeded its per-minute request limit; sent again next minute."),
    -100: (Outcome.PERMANENT, "Ảnh hoặc tệp đính kèm đã hết hạn trên Zalo; cần tải lên lại rồi gửi lại.",
           "The attachment_id expired on Zalo; upload it again, then resend."),
    -200: (Outcome.RETRY, "Zalo gửi tin thất bại; hệ thống sẽ thử lại.",
           "Zalo failed to send the message; it will be retried."),
    -201: (Outcome.PERMANENT, "Tham số không hợp lệ (nội dung tin hoặc người nhận sai).",
           "A parameter is invalid (message body or recipient)."),
    -204: (Outcome.CONFIGURATION, "OA đã bị xoá.", "The OA has been deleted."),
    -205: (Outcome.CONFIGURATION, "OA không tồn tại.", "The OA does not exist."),
    -209: (Outcome.CONFIGURATION, "Ứng dụng Zalo chưa được kích hoạt.", "The Zalo app is not activated."),
    -210: (Outcome.PERMANENT, "Tham số vượt quá giới hạn cho phép (ví dụ nội dung quá dài).",
           "A parameter exceeds its limit (for example, text too long)."),
    -211: (Outcome.DEFER_QUOTA, "OA đã hết hạn mức gửi tin; tin sẽ được gửi khi có hạn mức mới.",
           "The OA is out of quota; deferred until the quota resets or more is bought."),
    -212: (Outcome.CONFIGURATION, "Ứng dụng chưa đăng ký sử dụng API này.", "The app has not registered this API."),
    -213: (Outcome.INELIGIBLE, "Người dân chưa quan tâm OA.", "The citizen does not follow the OA."),
    -214: (Outcome.RETRY, "Bài viết đang được xử lý; hệ thống sẽ thử lại sau.",
           "The article is still being processed."),
    -216: (Outcome.REFRESH_TOKEN, "Access token không hợp lệ; hệ thống sẽ làm mới token.",
           "The access token is invalid; it will be refreshed."),
    -217: (Outcome.INELIGIBLE, "Người dân đã chặn lời mời quan tâm của OA.",
           "The citizen blocked the OA's invitation."),
    -218: (Outcome.DEFER_QUOTA, "Người dân đã nhận đủ số tin cho phép; tin sẽ được gửi khi hạn mức được cấp lại.",
           "The citizen's receive quota is exhausted; deferred."),
    -219: (Outcome.CONFIGURATION, "Ứng dụng Zalo đã bị gỡ hoặc vô hiệu hoá.", "The Zalo app was removed or disabled."),
    -220: (Outcome.REFRESH_TOKEN, "Access token đã hết hạn hoặc bị thu hồi; hệ thống sẽ làm mới token.",
           "The access token expired or was revoked; it will be refreshed."),
    -221: (Outcome.CONFIGURATION, "OA chưa được xác thực.", "The OA is not verified."),
    -223: (Outcome.CONFIGURATION, "OA chưa cấp quyền này cho ứng dụng; cần kết nối lại Zalo với đủ quyền.",
           "The OA has not granted this permission to the app; reconnect Zalo with more permissions."),
    -224: (Outcome.CONFIGURATION, "Gói dịch vụ của OA không hỗ trợ tính năng này.",
           "The OA's package does not include this feature."),
    -227: (Outcome.INELIGIBLE, "Tài khoản Zalo của người dân bị khoá hoặc không hoạt động quá 45 ngày.",
           "The citizen's account is banned or inactive for more than 45 days."),
    -230: (Outcome.INELIGIBLE, "Người dân chưa tương tác với OA trong 7 ngày qua.",
           "The citizen has not interacted with the OA in the last 7 days."),
    -232: (Outcome.INELIGIBLE, "Người dân chưa tương tác với OA, hoặc lần tương tác đã hết hiệu lực.",
           "The citizen never interacted with the OA, or the interaction has expired."),
    -233: (Outcome.PERMANENT, "Loại tin nhắn không hợp lệ hoặc không được hỗ trợ.",
           "The message type is invalid or unsupported."),
    -234: (Outcome.DEFER_NIGHT, "Loại tin này không được gửi từ 22:00 đến 06:00; tin sẽ được gửi sau 06:00.",
           "This message type cannot be sent 22:00-06:00; deferred to after 06:00."),
    -235: (Outcome.CONFIGURATION, "API này không hỗ trợ loại OA hiện tại (ví dụ OA cơ quan nhà nước).",
           "This API is not supported for this OA type (for example, government OAs)."),
    -240: (Outcome.PERMANENT, "API gửi tin phiên bản 2 đã ngừng hoạt động.",
           "The v2 message API is shut down; use v3."),
    -242: (Outcome.CONFIGURATION, "Mã appsecret_proof không hợp lệ.", "The appsecret_proof is invalid."),
    -244: (Outcome.INELIGIBLE, "Người dân đã chặn loại tin này từ OA.",
           "The citizen restricted this message type from the OA."),
    -248: (Outcome.PERMANENT, "Tin nhắn vi phạm chính sách của Zalo.", "The message violates Zalo's platform policy."),
    -320: (Outcome.CONFIGURATION, "OA chưa liên kết tài khoản Zalo Cloud (ZCA).",
           "The Zalo Cloud Account (ZCA) is not linked."),
    -321: (Outcome.CONFIGURATION, "Tài khoản Zalo Cloud (ZCA) đã hết tiền.",
           "The Zalo Cloud Account (ZCA) is out of money."),
}

# -201 says "<field> is invalid!" (docs/zalo-oa.md §6). When the field is the recipient's user_id, the message is
# fine but this OA cannot reach that citizen by that id (an id of another OA, whose ids are scoped to one OA,
# §5 "Identifiers"): another channel (ZNS by phone) may still reach them. Any other field is a broken payload.
OA_INVALID_FIELDS: dict[str, tuple[Outcome, str, str]] = {
    "user_id": (Outcome.INELIGIBLE,
                "Mã người dùng Zalo không thuộc OA của tỉnh (có thể là mã của một OA khác); hệ thống sẽ gửi ZNS "
                "theo số điện thoại nếu có.",
                "The Zalo user id does not belong to the province's OA (it may be another OA's id); ZNS by phone "
                "is used when there is a number."),
}
INVALID_FIELD = re.compile(r"^\s*<?(\w+)>? is invalid", re.IGNORECASE)

ZNS_CODES: dict[int, tuple[Outcome, str, str]] = {
    # No ZNS-specific rate-limit code is documented; the app-level -32 presumably applies (docs/zalo-oa.md §6).
    RATE_LIMITED_CODE: OA_CODES[RATE_LIMITED_CODE],
    -100: (Outcome.RETRY, "Lỗi không xác định phía Zalo; hệ thống sẽ thử lại sau.",
           "Unknown error at Zalo; retried later."),
    -101: (Outcome.CONFIGURATION, "Ứng dụng Zalo không hợp lệ.", "The Zalo app is invalid."),
    -102: (Outcome.CONFIGURATION, "Ứng dụng Zalo không tồn tại.", "The Zalo app does not exist."),
    -103: (Outcome.CONFIGURATION, "Ứng dụng Zalo chưa được kích hoạt.", "The Zalo app is not activated."),
    -104: (Outcome.CONFIGURATION, "Khoá bí mật của ứng dụng không hợp lệ.", "The app secret key is invalid."),
    -105: (Outcome.CONFIGURATION, "Ứng dụng chưa liên kết với OA.", "The app is not linked to an OA."),
    -108: (Outcome.PERMANENT, "Số điện thoại không hợp lệ.", "The phone number is invalid."),
    -109: (Outcome.PERMANENT, "Mã mẫu ZNS không hợp lệ.", "The ZNS template id is invalid."),
    -111: (Outcome.PERMANENT, "Dữ liệu của mẫu ZNS bị trống.", "The template data is empty."),
    -112: (Outcome.PERMANENT, "Dữ liệu của mẫu ZNS sai kiểu.", "The template data has the wrong type."),
    -1121: (Outcome.PERMANENT, "Một tham số của mẫu ZNS dài quá mức cho phép.", "A template parameter is too long."),
    -1122: (Outcome.PERMANENT, "Thiếu tham số bắt buộc của mẫu ZNS.", "A required template parameter is missing."),
    -1124: (Outcome.PERMANENT, "Một tham số của mẫu ZNS sai định dạng.", "A template parameter has the wrong format."),
    -113: (Outcome.PERMANENT, "Nút bấm trong mẫu ZNS không hợp lệ.", "A template button is invalid."),
    -1131: (Outcome.PERMANENT, "Đường dẫn trong mẫu ZNS không hợp lệ.", "A template link is invalid."),
    -110: (Outcome.INELIGIBLE,
           "Ứng dụng Zalo của người dân là phiên bản cũ nên không nhận được ZNS; người dân cần cập nhật Zalo.",
           "The citizen's Zalo app is too old to receive ZNS; they need to update Zalo."),
    -114: (Outcome.INELIGIBLE,
           "Người dân không nhận được ZNS (tài khoản không hoạt động, đã tắt ZNS hoặc dùng Zalo cũ).",
           "The citizen cannot receive ZNS (inactive, opted out, or an old Zalo version)."),
    -115: (Outcome.CONFIGURATION, "Số dư ZNS không đủ.", "The ZNS balance is insufficient."),
    -116: (Outcome.PERMANENT, "Nội dung một tham số của mẫu ZNS không hợp lệ; cần sửa dữ liệu gửi vào mẫu.",
           "A template parameter's text is invalid; fix the data sent into the template."),
    -117: (Outcome.CONFIGURATION, "OA hoặc ứng dụng không có quyền dùng mẫu ZNS này.",
           "The OA or app has no permission for this template."),
    -118: (Outcome.INELIGIBLE, "Số điện thoại chưa có tài khoản Zalo.", "The phone number has no Zalo account."),
    -119: (Outcome.INELIGIBLE, "Tài khoản Zalo này không nhận được tin.", "This Zalo account cannot receive messages."),
    -120: (Outcome.CONFIGURATION, "OA chưa được Zalo cấp quyền dùng tính năng này; cần liên hệ Zalo "
                                  "(support@zalo.cloud) để được cấp quyền.",
           "The OA has no permission for this feature; ask Zalo (support@zalo.cloud) to grant it."),
    -124: (Outcome.REFRESH_TOKEN, "Access token không hợp lệ; hệ thống sẽ làm mới token.",
           "The access token is invalid; it will be refreshed."),
    -1241: (Outcome.CONFIGURATION, "Mã appsecret_proof không hợp lệ.", "The appsecret_proof is invalid."),
    -125: (Outcome.CONFIGURATION, "Mã OA (OA ID) không hợp lệ; cần kiểm tra lại OA đã kết nối.",
           "The OA ID is invalid; check the connected OA."),
    -126: (Outcome.CONFIGURATION, "Ví ZNS ở chế độ phát triển (development mode) đã hết số dư; cần nạp thêm hoặc "
                                  "chuyển ứng dụng sang chế độ chính thức.",
           "The development-mode ZNS wallet is empty; top it up or switch the app to production."),
    -127: (Outcome.PERMANENT, "Chế độ thử chỉ gửi được tới quản trị viên của OA hoặc ứng dụng.",
           "Development mode can only reach the OA's or the app's admins."),
    -131: (Outcome.PERMANENT, "Mẫu ZNS chưa được duyệt.", "The ZNS template is not approved."),
    -132: (Outcome.PERMANENT, "Tham số không hợp lệ.", "A parameter is invalid."),
    -133: (Outcome.DEFER_NIGHT, "Mẫu ZNS này không được gửi từ 22:00 đến 06:00; tin sẽ được gửi sau 06:00.",
           "This template cannot be sent 22:00-06:00; deferred to after 06:00."),
    -135: (Outcome.CONFIGURATION, "OA không được phép gửi ZNS (chưa xác thực hoặc dùng gói miễn phí).",
           "The OA may not send ZNS (unverified or on a free plan)."),
    -1351: (Outcome.CONFIGURATION, "OA bị chặn gửi ZNS do vi phạm.", "The OA is blocked from ZNS for violations."),
    -136: (Outcome.CONFIGURATION, "Chưa liên kết tài khoản Zalo Cloud (ZCA).",
           "The Zalo Cloud Account (ZCA) is not linked."),
    -137: (Outcome.CONFIGURATION, "Thanh toán qua tài khoản Zalo Cloud (ZCA) thất bại.",
           "Charging the Zalo Cloud Account (ZCA) failed."),
    -138: (Outcome.CONFIGURATION, "Ứng dụng Zalo chưa được duyệt dùng tính năng ZNS này; cần đăng ký sử dụng API "
                                  "tương ứng trong trang quản lý ứng dụng của Zalo.",
           "The Zalo app is not approved for this ZNS feature; register the API in Zalo's app settings."),
    -139: (Outcome.INELIGIBLE, "Người dân đã từ chối nhận loại ZNS này.", "The citizen refused this type of ZNS."),
    -140: (Outcome.INELIGIBLE, "Người dân không đủ điều kiện nhận tin theo chính sách ZNS.",
           "The citizen is not eligible under the ZNS delivery policy."),
    -141: (Outcome.INELIGIBLE, "Người dân đã từ chối nhận ZNS từ OA.", "The citizen refused ZNS from this OA."),
    -144: (Outcome.DEFER_QUOTA, "OA đã hết hạn mức ZNS trong ngày; tin sẽ được gửi vào ngày mai.",
           "The OA's daily ZNS quota is used up; deferred to tomorrow."),
    -1441: (Outcome.DEFER_QUOTA, "Đã hết hạn mức ZNS truyền thông trong tháng.",
            "The monthly promotion ZNS quota is used up."),
    -145: (Outcome.CONFIGURATION, "OA không được phép gửi loại nội dung ZNS của mẫu này; cần chọn mẫu thuộc loại "
                                  "nội dung OA được phép gửi.",
           "The OA may not send this template's type of ZNS content; use a template of a type the OA may send."),
    -146: (Outcome.PERMANENT, "Mẫu ZNS bị tắt do chất lượng thấp.", "The template was disabled for low quality."),
    -147: (Outcome.DEFER_QUOTA, "Mẫu ZNS đã hết hạn mức gửi trong ngày.", "The template's daily quota is used up."),
    -1471: (Outcome.DEFER_QUOTA, "Người dân đã nhận đủ số tin chăm sóc trong tháng.",
            "The citizen's monthly follow-up limit is reached."),
    -161: (Outcome.PERMANENT, "Chế độ gửi (sending_mode) không hợp lệ.", "The sending_mode is invalid."),
    -162: (Outcome.PERMANENT, "OA không được dùng chế độ gửi này.", "The OA may not use this sending_mode."),
}

# Only the field names of OAuth failures are attested; -14003 is the one code seen (docs/zalo-oa.md §6).
OAUTH_CODES: dict[int, tuple[Outcome, str, str]] = {
    -14003: (Outcome.PERMANENT, "Tham số gửi tới máy chủ xác thực Zalo không hợp lệ.",
             "A parameter sent to Zalo's OAuth server is invalid."),
}

TABLES = {Family.OA: OA_CODES, Family.ZNS: ZNS_CODES, Family.OAUTH: OAUTH_CODES}

# A code no table knows. The explanation never carries the code: pages show the code next to it. Whatever the
# token endpoint refuses is about the app's credentials or the grant it was given (docs/zalo-oa.md §1), so an
# unknown OAuth code is a configuration problem an administrator fixes by reconnecting, not a retry.
UNKNOWN_ENTRIES: dict[Family, tuple[Outcome, str, str]] = {
    Family.OA: (Outcome.PERMANENT, "Zalo từ chối tin nhắn với một mã lỗi chưa có trong bảng mã lỗi của hệ thống.",
                "Zalo refused the message with an error code the system does not know yet."),
    Family.ZNS: (Outcome.PERMANENT, "Zalo từ chối tin ZNS với một mã lỗi chưa có trong bảng mã lỗi của hệ thống.",
                 "Zalo refused the ZNS message with an error code the system does not know yet."),
    Family.OAUTH: (Outcome.CONFIGURATION,
                   "Zalo không cấp quyền truy cập cho ứng dụng của tỉnh: App ID, khoá bí mật của ứng dụng "
                   "(App Secret) hoặc lần cấp quyền OA không còn đúng.",
                   "Zalo refused access to the province's app: the App ID, the app secret or the OA's grant is "
                   "no longer valid."),
}
# OA and ZNS codes are small (-32 … -1471); the token endpoint numbers its errors -14xxx (docs/zalo-oa.md §6).
OAUTH_CODE_CEILING = -14000


def family_of_code(code: int, zns: bool = False) -> Family:
    """The family a stored code came from, when only the code and the channel were kept (a delivery's error):
    a token refresh refused during a send leaves an OAuth code on the delivery."""
    if code <= OAUTH_CODE_CEILING:
        return Family.OAUTH
    return Family.ZNS if zns else Family.OA

TRANSPORT_INFO_VI = "Không kết nối được tới Zalo hoặc Zalo trả lời bất thường; hệ thống sẽ thử lại."
TRANSPORT_INFO_EN = "Zalo could not be reached or gave an abnormal answer; it will be retried."
SENSITIVE_KEYS = frozenset({
    "access_token", "refresh_token", "secret_key", "app_secret", "code", "code_verifier", "oa_secret_key",
    "appsecret_proof",
})
PHONE_KEYS = frozenset({"phone", "phone_code"})

_reported_unknown: set[tuple[Family, int | None]] = set()
_reported_lock = threading.Lock()


def classify(family: Family, code: int | None, message: str | None = None) -> ErrorInfo:
    """The outcome and explanations for a code (and, for the OA's -201, the field its message names); unknown
    codes are PERMANENT with `known=False`."""
    entry = _invalid_field_entry(message) if (family, code) == (Family.OA, -201) else None
    entry = entry or (TABLES[family].get(code) if code is not None else None)
    if entry is None:
        outcome, vi, en = UNKNOWN_ENTRIES[family]
        return ErrorInfo(code, family, outcome, vi, en, known=False)
    outcome, vi, en = entry
    return ErrorInfo(code, family, outcome, vi, en)


def _invalid_field_entry(message: str | None) -> tuple[Outcome, str, str] | None:
    match = INVALID_FIELD.match(message or "")
    return OA_INVALID_FIELDS.get(match.group(1).lower()) if match else None


class ZaloError(Exception):
    """Base of every failure the client raises; jobs read `outcome`, admins read `info.vi`."""

    def __init__(self, info: ErrorInfo, message: str, raw: Any = None, *, rate_limit: RateLimit | None = None,
                 http_status: int | None = None):
        super().__init__(f"Zalo {info.family.value} error {info.code}: {message}")
        self.info = info
        self.message = message
        self.raw = raw
        self.rate_limit = rate_limit
        self.http_status = http_status

    @property
    def code(self) -> int | None:
        return self.info.code

    @property
    def outcome(self) -> Outcome:
        return self.info.outcome

    @property
    def family(self) -> Family:
        return self.info.family

    @property
    def known(self) -> bool:
        return self.info.known

    def explanation(self, locale: str = "vi") -> str:
        return self.info.vi if locale.startswith("vi") else self.info.en


class ZaloApiError(ZaloError):
    """Zalo answered with a non-zero `error` in the body."""


class ZaloTransportError(ZaloError):
    """No usable answer: timeout, connection error or reset, HTTP 5xx, or a body that is not JSON. Always RETRY."""

    def __init__(self, family: Family, message: str, raw: Any = None, **kwargs):
        info = ErrorInfo(None, family, Outcome.RETRY, TRANSPORT_INFO_VI, TRANSPORT_INFO_EN)
        super().__init__(info, message, raw, **kwargs)


class OAuthError(ZaloError):
    """The token endpoint answered without `access_token`, whatever the HTTP status (docs/zalo-oa.md §1, [CBX])."""

    def __init__(self, info: ErrorInfo, message: str, raw: Any = None, **kwargs):
        super().__init__(info, message, raw, **kwargs)
        body = raw if isinstance(raw, dict) else {}
        self.error_name = body.get("error_name")
        self.error_reason = body.get("error_reason")
        self.error_description = body.get("error_description")


def api_error(family: Family, body: dict, **kwargs) -> ZaloApiError:
    """The exception for an OA or ZNS body whose `error` is not 0."""
    code = int_or_none(body.get("error"))
    info = _classify_and_report(family, code, body, message=str(body.get("message") or ""))
    return ZaloApiError(info, str(body.get("message") or info.en), redact(body), **kwargs)


def oauth_error(body: Any, **kwargs) -> OAuthError:
    """The exception for a token-endpoint answer that carries no access token."""
    fields = body if isinstance(body, dict) else {}
    code = int_or_none(fields.get("error"))
    info = _classify_and_report(Family.OAUTH, code, body)
    message = fields.get("error_description") or fields.get("error_reason") or fields.get("error_name")
    return OAuthError(info, str(message or "no access_token in the answer"), redact(body), **kwargs)


def redact(value: Any) -> Any:
    """A copy safe to log or store: tokens and secrets replaced, phone numbers masked."""
    if isinstance(value, dict):
        return {key: _redact_item(key, item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def _redact_item(key: str, value: Any) -> Any:
    if key in SENSITIVE_KEYS:
        return "***"
    if key in PHONE_KEYS:
        return mask(str(value))
    return redact(value)


def _classify_and_report(family: Family, code: int | None, body: Any, message: str | None = None) -> ErrorInfo:
    info = classify(family, code, message)
    if not info.known:
        _report_unknown_once(family, code, body)
    return info


def _report_unknown_once(family: Family, code: int | None, body: Any) -> None:
    """Log a new code once per process with the raw (redacted) answer, so the table can be extended."""
    with _reported_lock:
        if (family, code) in _reported_unknown:
            return
        _reported_unknown.add((family, code))
    logger.warning("zalo: unknown %s error code %s, answer %s", family.value, code,
                   json.dumps(redact(body), ensure_ascii=False, default=str)[:2000])


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
