"""What citizens write to the OA about their data, and Zalo's `user_withdraw` event.

- "dừng", "stop", "dung", "huỷ nhận tin" … (the whole message, any case, with or without diacritics):
  everything stops now, one confirmation (citizens/requests.py).
- "tin chính sách": the consent question for policy news, with the notice and a button that answers it.
- "đồng ý tin chính sách", "đồng ý nhận thông báo hồ sơ", "đồng ý khảo sát": an explicit grant, recorded with
  the message as evidence.
- "huỷ tin chính sách", "không nhận khảo sát" …: that purpose is withdrawn.
"""

import re

from flask_babel import force_locale, gettext

from platform_core.bot.commands import HANDLED, CitizenMessage, register_command
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
from platform_core.delivery.trial import N_
from platform_core.text import fold
from platform_core.zalo.constants import EVENT_PROCESSED
from platform_core.zalo.events import register_handler
from platform_core.zalo.models import ZaloEvent

STOP_WORDS = frozenset({
    "stop", "dung", "dung lai", "dung nhan tin", "dung gui tin", "dung nhan thong bao", "huy nhan tin",
    "huy dang ky", "huy dang ky nhan tin", "huy theo doi", "tu choi nhan tin", "unsubscribe",
})
NOT_A_STOP = "đúng"  # "right!" folds to "dung" too: with its accents it is an answer, not a stop
GRANT_PREFIX = "dong y"
WITHDRAW_PREFIXES = ("huy", "khong nhan", "ngung nhan", "ngung", "tu choi")
PURPOSE_WORDS = ((PURPOSE_NEWS, ("chinh sach", "tin tuc")), (PURPOSE_DOSSIER, ("thong bao ho so",)),
                 (PURPOSE_SURVEY, ("khao sat", "danh gia")))
MAX_CONSENT_WORDS = 7  # "đồng ý nhận thông báo hồ sơ": longer messages are about something else
ASK_NEWS = "tin chinh sach"
NEWS_BUTTON_REPLY = "Đồng ý nhận tin chính sách"


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


def is_stop(text: str) -> bool:
    return _words(text) in STOP_WORDS and text.strip().casefold().strip("!.") != NOT_A_STOP


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
    if words.startswith(GRANT_PREFIX):
        consent.grant(purpose, method=METHOD_ZALO_CHAT, zalo_user_id=message.zalo_user_id, evidence=evidence)
        return _vi(GRANTED[purpose], version=NOTICE_VERSION)
    if words.startswith(WITHDRAW_PREFIXES):
        consent.withdraw(purpose, method=METHOD_ZALO_CHAT, zalo_user_id=message.zalo_user_id, evidence=evidence)
        return _vi(WITHDRAWN[purpose])
    return None


def _ask_news(message: CitizenMessage) -> None:
    """The consent question: what, why, who, the right to withdraw (domain.md §6), and a button answering it."""
    question = ComposedMessage(header="Nhận tin chính sách qua Zalo?", text=_vi(NEWS_NOTICE, version=NOTICE_VERSION),
                               buttons=(ComposedButton("Đồng ý", reply=NEWS_BUTTON_REPLY),))
    send_composed(question, event_kind="consent_question", idempotency_key=message.reply_key,
                  zalo_user_id=message.zalo_user_id)


def _vi(message: str, **values) -> str:
    with force_locale("vi"):
        return gettext(message, **values)


NEWS_NOTICE = N_("The province would like to send you policy news (new regulations, public services, notices) "
                 "on Zalo, at most once a day. It uses only your Zalo account for this, keeps the proof of your "
                 "answer, and stops whenever you reply \"huỷ tin chính sách\". Privacy notice version %(version)s.")
GRANTED = {
    PURPOSE_NEWS: N_("Thank you: you will receive policy news on Zalo (privacy notice %(version)s). Reply \"huỷ "
                     "tin chính sách\" to stop at any time."),
    PURPOSE_DOSSIER: N_("Thank you: you will receive notices about your dossiers on Zalo (privacy notice "
                        "%(version)s). Reply \"dừng\" to stop at any time."),
    PURPOSE_SURVEY: N_("Thank you: you may be asked to rate how your dossiers were handled (privacy notice "
                       "%(version)s). Reply \"huỷ khảo sát\" to stop at any time."),
}
WITHDRAWN = {
    PURPOSE_NEWS: N_("Done: you will no longer receive policy news. Reply \"đồng ý tin chính sách\" to receive "
                     "it again."),
    PURPOSE_DOSSIER: N_("Done: you will no longer receive notices about your dossiers on Zalo. Reply \"đồng ý "
                        "nhận thông báo hồ sơ\" to receive them again."),
    PURPOSE_SURVEY: N_("Done: you will no longer be asked to rate how your dossiers were handled."),
}


def on_user_withdraw(event: ZaloEvent, body: dict) -> str:
    """Zalo's data-subject request: messaging stops now; the request stays open for an administrator to
    complete (erase, export, or refuse with reasons) within 15 days."""
    requests.stop(kind=REQUEST_WITHDRAW, method=METHOD_ZALO_WITHDRAW, zalo_user_id=event.zalo_user_id,
                  event_id=event.id)
    return EVENT_PROCESSED


register_command("citizens_stop", answer_stop, order=5)
register_command("citizens_consent", answer_consent, order=6)
register_handler("user_withdraw", on_user_withdraw)
