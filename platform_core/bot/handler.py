"""The bot's place in event processing: a citizen's text in, one answer in the outbox, same transaction.

The answer is not sent here: it is written with `send_reply` and leaves through the delivery pipeline as a
consultation message (the citizen has just written, so the window is open). Its idempotency key is the
event's, so processing a redelivered or retried event never answers twice. When the answer needs the
citizen's phone (a dossier known only by phone, "hồ sơ của tôi", the menu) and they have not shared one, Zalo's
request card follows it (bot/phone_link.py). A team member's link code
("MC-123456", zalo/staff_link.py) is answered before anything else: it would look like a dossier code. Then
the commands other features registered (bot/commands.py); the lookup answers the rest. A short natural answer
to the question just sent ("có", "hài lòng") is first read as the button it means (bot/replies.py).
"""

from dataclasses import dataclass

from platform_core.bot import answers, lookup, phone_link, replies
from platform_core.bot.commands import HANDLED, CitizenMessage, answer_command, reply_key
from platform_core.bot.parser import BAD_CODE, LOOKUP, MENU, MINE, PROCEDURE, parse
from platform_core.db.types import utcnow
from platform_core.delivery import recent
from platform_core.delivery.outbox import remember_keys, send_reply
from platform_core.zalo import staff_link
from platform_core.zalo.constants import EVENT_PROCESSED
from platform_core.zalo.events import touch_interaction
from platform_core.zalo.models import ZaloEvent

TEXT_EVENT = "user_send_text"


def remember_batch(events: list[ZaloEvent]) -> None:
    """A batch loader (zalo/events.py `on_batch`): whether the texts' answers (and phone cards) were written
    already, and each writer's last message (bot/replies.py), for every text of the batch at once."""
    texts = [event for event in events if event.event_name == TEXT_EVENT and event.zalo_user_id]
    remember_keys({key for event in texts for key in (reply_key(event), phone_link.card_key(reply_key(event)))})
    recent.remember_last_messages({event.zalo_user_id for event in texts}, utcnow())


def on_citizen_text(event: ZaloEvent, body: dict) -> str:
    follower = touch_interaction(event, body)
    typed = str((body.get("message") or {}).get("text") or "")
    text = replies.resolve(event.zalo_user_id, typed, utcnow())  # "có" after a question: the button it means
    message = CitizenMessage(event, body, follower, text)
    reply = staff_link.answer(follower, text)
    if reply is None:
        reply = answer_command(message)
    if reply is not None:
        if reply != HANDLED:
            send_reply(event.zalo_user_id, reply, idempotency_key=message.reply_key)
        return EVENT_PROCESSED
    answer = answer_with(text, lookup.sender(follower))
    send_reply(event.zalo_user_id, answer.text, idempotency_key=message.reply_key)
    if answer.asks_phone:
        phone_link.ask_for_phone(message, answer.desk)
    return EVENT_PROCESSED


@dataclass(frozen=True)
class Answer:
    text: str
    desk: lookup.Desk
    asks_phone: bool = False  # Zalo's request card for the citizen's phone follows the text


def answer_to(text: str, sender: lookup.Sender) -> str:
    """The answer to `text` from `sender`, read from the tenant in context."""
    return answer_with(text, sender).text


def answer_with(text: str, sender: lookup.Sender) -> Answer:
    intent, desk = parse(text), lookup.desk()
    if intent.kind == LOOKUP:
        dossier = lookup.find_dossier(intent.value)
        if dossier is None:
            return Answer(answers.not_found_answer(intent.value, desk), desk)
        text = answers.dossier_answer(dossier, lookup.procedure_of(dossier), sender, desk, utcnow())
        return Answer(text, desk, answers.needs_phone(dossier, sender))
    if intent.kind == MINE:
        dossiers = lookup.dossiers_of(sender, answers.MAX_OWN_DOSSIERS)
        return Answer(answers.own_dossiers_answer(dossiers, sender, desk), desk, not sender.phone_e164)
    if intent.kind == BAD_CODE:
        return Answer(answers.bad_code_answer(intent.value, desk), desk)
    if intent.kind == PROCEDURE:
        return Answer(answers.procedures_answer(intent.value, lookup.search_procedures(intent.value), desk), desk)
    if intent.kind == MENU:
        return Answer(answers.menu_answer(desk, asks_phone=not sender.phone_e164), desk, not sender.phone_e164)
    return Answer(answers.fallback_answer(desk), desk)

