"""The OA's answer when the applicant writes the code of a dossier whose result is on Zalo ("H15…-0001",
"kết quả H15…-0001"): the usual status answer, followed by a link signed now (its earlier link may have expired;
the expired-link page tells them to do exactly this, templates/results/refused.html).

Only the applicant gets the link: the dossier names their Zalo id, or they shared the phone it was filed with
(bot/answers.py `is_linked`). Anyone else who types the code gets the status answer alone, from the lookup bot.
"""

from platform_core.bot import answers, lookup
from platform_core.bot.commands import CitizenMessage
from platform_core.bot.handler import answer_to
from platform_core.bot.parser import LOOKUP, parse
from platform_core.results import service
from platform_core.results.constants import DIGITS, LINK_HOURS


def answer_with_link(message: CitizenMessage) -> str | None:
    """The status answer and the link, or None (the lookup bot answers) when there is no link to give them."""
    intent = parse(message.text)
    if intent.kind != LOOKUP:
        return None
    dossier = lookup.find_dossier(intent.value)
    sender = lookup.sender(message.follower)
    if dossier is None or not answers.is_linked(dossier, sender):
        return None
    result = service.current_result(dossier)
    if result is None:
        return None
    link = service.fresh_link(result, dossier, message.zalo_user_id)
    lines = [f"Bản điện tử kết quả của hồ sơ: {link}",
             f"Ông/Bà nhập {DIGITS} số cuối số điện thoại đã khai trong hồ sơ để tải về. "
             f"Liên kết có hiệu lực {LINK_HOURS} giờ."]
    room = answers.ZALO_TEXT_LIMIT - sum(len(line) + 1 for line in lines) - 1
    return "\n".join([answers.fit(answer_to(message.text, sender), limit=room), "", *lines])
