"""The bot's command "đăng ký <thủ tục>" (registered in platform_core/wiring.py): the procedure is looked up by
its folded name among those the province opened to registration; the answer gives its requirements from the
catalogue and the form's signed link, tied to the citizen's Zalo user id. A province that opened none leaves
the text to the rest of the bot."""

from platform_core.bot.commands import HANDLED, CitizenMessage
from platform_core.catalogue.models import Procedure
from platform_core.db.tenant_context import require_tenant
from platform_core.delivery.outbox import send_composed
from platform_core.registrations import messages, service
from platform_core.registrations.constants import EVENT_KIND, MAX_CHOICES, TRIGGER
from platform_core.text import fold


def answer(message: CitizenMessage) -> str | None:
    folded = " ".join(fold(message.text).split())
    if folded != TRIGGER and not folded.startswith(TRIGGER + " "):
        return None
    procedures = [procedure for procedure, _fields in service.offered()]
    if not procedures:
        return None
    wanted = folded[len(TRIGGER):].strip()
    typed = message.text.strip()
    matches = match(wanted, procedures)
    if len(matches) == 1:
        url = service.form_url(require_tenant(), matches[0].code, message.zalo_user_id)
        send_composed(messages.requirements(matches[0], url), event_kind=EVENT_KIND,
                      zalo_user_id=message.zalo_user_id, idempotency_key=message.reply_key)
        return HANDLED
    if not matches and wanted:
        return messages.not_offered(typed, procedures[:MAX_CHOICES])
    return messages.choices((matches or procedures)[:MAX_CHOICES], typed if wanted else None)


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
