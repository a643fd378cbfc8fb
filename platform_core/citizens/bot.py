"""What citizens write to the OA about their data, and Zalo's `user_withdraw` event. Answers are in
Vietnamese, like the bot's (citizens read them on Zalo).

- "dừng", "stop", "dung", "huỷ nhận tin" … (the whole message, any case, with or without diacritics):
  everything stops now, one confirmation (citizens/requests.py).
- "tin chính sách": the consent question for policy news, with the notice and a button that answers it.
- "đồng ý tin chính sách", "đồng ý nhận thông báo hồ sơ", "đồng ý khảo sát": an explicit grant, recorded with
  the message as evidence.
- "huỷ tin chính sách", "không nhận khảo sát" …: that purpose is withdrawn.
"""

import re
import unicodedata

from platform_core.bot.commands import HANDLED, CitizenMessage
from platform_core.citizens import consent, requests
from platform_core.citizens.constants import (
    METHOD_ZALO_CHAT,
    METHOD_ZALO_WITHDRAW,
    NOTICE_VERSION,
    PURPOSE_DOSSIER,
    PURPOSE_NEWS,
    PURPOSE_SURVEY,
    REQUEST_WITHDRAW,
)
from platform_core.delivery.composed import ComposedButton, ComposedMessage
from platform_core.delivery.outbox import send_composed
from platform_core.text import fold
from platform_core.zalo.constants import EVENT_PROCESSED
from platform_core.zalo.models import ZaloEvent

STOP_WORDS = frozenset({
    "stop", "dung", "dung lai", "dung nhan tin", "dung gui tin", "dung nhan thong bao", "huy nhan tin",
    "huy dang ky", "huy dang ky nhan tin", "huy theo doi", "tu choi nhan tin", "unsubscribe",
})
NOT_A_STOP = "đúng"  # "right!" folds to "dung" too: with its accents it is an answer, not a stop
GRANT_PREFIX = "dong y"
WITHDRAW_PREFIXES = ("huy", "khong nhan", "ngung", "tu choi")
NOT_A_WITHDRAWAL = ("khong nhan duoc",)  # "I did not get …" is a complaint, not a refusal
PURPOSE_WORDS = ((PURPOSE_NEWS, ("chinh sach", "tin tuc")), (PURPOSE_DOSSIER, ("thong bao ho so",)),
                 (PURPOSE_SURVEY, ("khao sat", "danh gia")))
MAX_CONSENT_WORDS = 7  # "đồng ý nhận thông báo hồ sơ": longer messages are about something else
ASK_NEWS = "tin chinh sach"
NEWS_BUTTON_REPLY = "Đồng ý nhận tin chính sách"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def _starts_with_words(words: str, prefixes) -> bool:
    """Whole words only: "huy" must not match "huyen" (a district)."""
    return f"{words} ".startswith(tuple(f"{prefix} " for prefix in prefixes))


def is_stop(text: str) -> bool:
    typed = unicodedata.normalize("NFC", text).strip().casefold().strip("!.")
    return _words(text) in STOP_WORDS and typed != NOT_A_STOP


def purpose_in(words: str) -> str | None:
    return next((purpose for purpose, keys in PURPOSE_WORDS if any(key in words for key in keys)), None)


def answer_stop(message: CitizenMessage) -> str | None:
    if not is_stop(message.text):
        return None
    requests.stop(method=METHOD_ZALO_CHAT, zalo_user_id=message.zalo_user_id, event_id=message.event.id)
    return HANDLED  # the confirmation is the request's own message (or none: they had already stopped)


def answer_consent(message: CitizenMessage) -> str | None:
    words = _words(message.text)
    if words == ASK_NEWS:
        _ask_news(message)
        return HANDLED
    purpose = purpose_in(words) if len(words.split()) <= MAX_CONSENT_WORDS else None
    if purpose is None:
        return None
    evidence = f"Zalo event {message.event.event_key}: {message.text.strip()[:200]}"
    if _starts_with_words(words, (GRANT_PREFIX,)):
        consent.grant(purpose, method=METHOD_ZALO_CHAT, zalo_user_id=message.zalo_user_id, evidence=evidence)
        return GRANTED[purpose].format(version=NOTICE_VERSION)
    if _starts_with_words(words, WITHDRAW_PREFIXES) and not _starts_with_words(words, NOT_A_WITHDRAWAL):
        consent.withdraw(purpose, method=METHOD_ZALO_CHAT, zalo_user_id=message.zalo_user_id, evidence=evidence)
        return WITHDRAWN[purpose]
    return None


def _ask_news(message: CitizenMessage) -> None:
    """The consent question: what, why, who, the right to withdraw (docs/domain.md §6), and a button answering it."""
    question = ComposedMessage(header="Nhận tin chính sách qua Zalo?", text=NEWS_NOTICE.format(version=NOTICE_VERSION),
                               code_label="Mã thông báo bảo vệ dữ liệu", code=NOTICE_VERSION,
                               buttons=(ComposedButton("Đồng ý", reply=NEWS_BUTTON_REPLY, means_yes=True),))
    send_composed(question, event_kind="consent_question", idempotency_key=message.reply_key,
                  zalo_user_id=message.zalo_user_id)


NEWS_NOTICE = ("Tỉnh muốn gửi Ông/Bà tin chính sách (văn bản mới, dịch vụ công, thông báo) qua Zalo, nhiều "
               "nhất một tin mỗi ngày. Chỉ tài khoản Zalo của Ông/Bà được dùng cho việc này; câu trả lời của Ông/Bà "
               "được lưu làm bằng chứng; Ông/Bà có thể dừng bất cứ lúc nào bằng cách nhắn “huỷ tin chính sách”. "
               "Thông báo bảo vệ dữ liệu cá nhân phiên bản {version}.")
GRANTED = {
    PURPOSE_NEWS: "Cảm ơn Ông/Bà. Ông/Bà sẽ nhận tin chính sách qua Zalo (thông báo bảo vệ dữ liệu phiên bản "
                  "{version}). Nhắn “huỷ tin chính sách” để dừng bất cứ lúc nào.",
    PURPOSE_DOSSIER: "Cảm ơn Ông/Bà. Ông/Bà sẽ nhận thông báo về hồ sơ của mình qua Zalo (thông báo bảo vệ dữ liệu "
                     "phiên bản {version}). Nhắn “dừng” để dừng bất cứ lúc nào.",
    PURPOSE_SURVEY: "Cảm ơn Ông/Bà. Ông/Bà có thể được mời đánh giá việc giải quyết hồ sơ của mình (thông báo bảo "
                    "vệ dữ liệu phiên bản {version}). Nhắn “huỷ khảo sát” để dừng bất cứ lúc nào.",
}
WITHDRAWN = {
    PURPOSE_NEWS: "Đã xong: Ông/Bà sẽ không nhận tin chính sách nữa. Nhắn “đồng ý tin chính sách” nếu muốn nhận lại.",
    PURPOSE_DOSSIER: "Đã xong: Ông/Bà sẽ không nhận thông báo về hồ sơ qua Zalo nữa. Nhắn “đồng ý nhận thông báo hồ "
                     "sơ” nếu muốn nhận lại.",
    PURPOSE_SURVEY: "Đã xong: Ông/Bà sẽ không được mời đánh giá việc giải quyết hồ sơ nữa.",
}


def on_user_withdraw(event: ZaloEvent, body: dict) -> str:
    """Zalo's data-subject request: messaging stops now; the request stays open for an administrator to
    complete (erase, export, or refuse with reasons) within 15 days."""
    requests.stop(kind=REQUEST_WITHDRAW, method=METHOD_ZALO_WITHDRAW, zalo_user_id=event.zalo_user_id,
                  event_id=event.id)
    return EVENT_PROCESSED

