"""The bot's command "đăng ký <thủ tục>" (registered in platform_core/wiring.py): the procedure is looked up by
its folded name (or code) among those the province opened to registration; the answer gives its requirements
from the catalogue (the documents to bring among them) and the form's signed link, tied to the citizen's Zalo
user id. "đăng ký" alone (the OA's menu item sends it), or a name matching several procedures or none, is
answered with a numbered menu: buttons for the first ones, and a digit typed in answer picks that line. A
province that opened none leaves the text to the rest of the bot.

"hủy lịch hẹn" (the button of the confirmation sends it with the registration's code, "hủy lịch hẹn DK-…")
cancels an appointment still to come of this citizen (their Zalo user id, in this province): the place is freed
as when the province cancels it, the citizen is told on Zalo, the audit log says the citizen did it. Without a
code, the one appointment the citizen has is cancelled, or they are asked which of theirs."""

import re

from platform_core.bot.commands import HANDLED, CitizenMessage
from platform_core.catalogue.models import Procedure
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ComposedMessage, is_composed
from platform_core.delivery.outbox import send_composed
from platform_core.delivery.recent import last_message_to
from platform_core.registrations import messages, service
from platform_core.registrations.constants import CANCEL_TRIGGER, EVENT_KIND, MAX_CHOICES, TRIGGER
from platform_core.text import fold

_CANCEL = re.compile(rf"^{CANCEL_TRIGGER}(?: (?:ma )?dk ?-? ?([0-9a-f]{{8}}))?[ .!]*$")


def answer(message: CitizenMessage) -> str | None:
    folded = " ".join(fold(message.text).split())
    if folded.isdigit():
        return _menu_pick(message, int(folded))
    if folded != TRIGGER and not folded.startswith(TRIGGER + " "):
        return None
    procedures = [procedure for procedure, _fields in service.offered()]
    if not procedures:
        return None
    wanted = folded[len(TRIGGER):].strip()
    typed = message.text.strip()
    matches = match(wanted, procedures)
    if len(matches) == 1:
        return _requirements(message, matches[0])
    if not matches and wanted:
        menu = messages.menu(procedures[:MAX_CHOICES], not_offered=typed)
    else:
        menu = messages.menu((matches or procedures)[:MAX_CHOICES], several=typed if wanted else None)
    send_composed(menu, event_kind=EVENT_KIND, zalo_user_id=message.zalo_user_id,
                  idempotency_key=message.reply_key)
    return HANDLED


def _requirements(message: CitizenMessage, procedure: Procedure) -> str:
    url = service.form_url(require_tenant(), procedure.code, message.zalo_user_id)
    send_composed(messages.requirements(procedure, url), event_kind=EVENT_KIND,
                  zalo_user_id=message.zalo_user_id, idempotency_key=message.reply_key)
    return HANDLED


def _menu_pick(message: CitizenMessage, number: int) -> str | None:
    """A digit answering the menu just sent: the procedure on that line (the menu lists the procedures by the
    codes its buttons carry). Any other digit is left to the rest of the bot."""
    last = last_message_to(message.zalo_user_id, utcnow())
    if last is None or last.event_kind != EVENT_KIND or not is_composed(last.context):
        return None
    codes = messages.menu_codes(ComposedMessage.from_context(last.context))
    if not codes:
        return None
    if not 1 <= number <= len(codes):
        return messages.menu_out_of_range(len(codes))
    found = service.offered_procedure(codes[number - 1])
    if found is None:
        return messages.menu_out_of_range(len(codes))
    return _requirements(message, found[0])


def match(wanted: str, procedures: list[Procedure]) -> list[Procedure]:
    """The procedures whose folded name holds every word of `wanted` (a name matching exactly wins: "đăng ký
    kết hôn" is that procedure, not also "đăng ký kết hôn có yếu tố nước ngoài")."""
    if not wanted:
        return []
    names = {procedure.code: fold(procedure.name) for procedure in procedures}
    exact = [p for p in procedures if names[p.code] in (wanted, f"{TRIGGER} {wanted}")]
    if exact:
        return exact[:1]
    return [p for p in procedures if all(word in f"{names[p.code]} {fold(p.code)}" for word in wanted.split())]


def answer_cancel(message: CitizenMessage) -> str | None:
    found = _CANCEL.match(" ".join(fold(message.text).split()))
    if found is None:
        return None
    reference = f"DK-{found[1].upper()}" if found[1] else None
    mine = service.upcoming_appointments(message.zalo_user_id, utcnow())
    if reference:
        mine = [registration for registration in mine if registration.reference == reference]
    if not mine:
        return messages.no_appointment(reference)
    if len(mine) > 1:
        send_composed(messages.which_appointment(mine), event_kind=EVENT_KIND, zalo_user_id=message.zalo_user_id,
                      idempotency_key=message.reply_key)
        return HANDLED
    service.cancel_appointment(mine[0], by_citizen=True)  # tells the citizen, as when the province cancels
    return HANDLED
