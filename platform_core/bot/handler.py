"""The bot's place in event processing: a citizen's text in, one answer in the outbox, same transaction.

The answer is not sent here: it is written with `send_reply` and leaves through the delivery pipeline as a
consultation message (the citizen has just written, so the window is open). Its idempotency key is the
event's, so processing a redelivered or retried event never answers twice. A team member's link code
("MC-123456", zalo/staff_link.py) is answered before anything else: it would look like a dossier code. Then
the commands other features registered (bot/commands.py); the lookup answers the rest.
"""

from platform_core.bot import answers, lookup
from platform_core.bot.commands import HANDLED, CitizenMessage, answer_command
from platform_core.bot.parser import BAD_CODE, LOOKUP, MENU, PROCEDURE, parse
from platform_core.db.types import utcnow
from platform_core.delivery.outbox import send_reply
from platform_core.zalo import staff_link
from platform_core.zalo.constants import EVENT_PROCESSED
from platform_core.zalo.events import register_handler, touch_interaction
from platform_core.zalo.models import ZaloEvent


def on_citizen_text(event: ZaloEvent, body: dict) -> str:
    follower = touch_interaction(event, body)
    text = str((body.get("message") or {}).get("text") or "")
    message = CitizenMessage(event, body, follower, text)
    reply = staff_link.answer(follower, text)
    if reply is None:
        reply = answer_command(message)
    if reply is None:
        reply = answer_to(text, lookup.sender(follower))
    if reply != HANDLED:
        send_reply(event.zalo_user_id, reply, idempotency_key=message.reply_key)
    return EVENT_PROCESSED


def answer_to(text: str, sender: lookup.Sender) -> str:
    """The answer to `text` from `sender`, read from the tenant in context."""
    intent, desk = parse(text), lookup.desk()
    if intent.kind == LOOKUP:
        dossier = lookup.find_dossier(intent.value)
        if dossier is None:
            return answers.not_found_answer(intent.value, desk)
        return answers.dossier_answer(dossier, lookup.procedure_of(dossier), sender, desk, utcnow())
    if intent.kind == BAD_CODE:
        return answers.bad_code_answer(intent.value, desk)
    if intent.kind == PROCEDURE:
        return answers.procedures_answer(intent.value, lookup.search_procedures(intent.value), desk)
    if intent.kind == MENU:
        return answers.menu_answer(desk)
    return answers.fallback_answer(desk)


register_handler("user_send_text", on_citizen_text)
