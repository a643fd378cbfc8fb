"""The message that brings a result to the citizen (delivery/renderers.py, registered in platform_core/wiring.py).

- By consultation message (the citizen wrote to the OA within 7 days): the PDF itself, uploaded to Zalo and sent
  as a file message (docs/zalo-oa.md §2, §4).
- Otherwise (a transaction card, for a citizen who interacted within a year): a card with a short-lived signed
  link to the download page, which asks for the last digits of the applicant's phone.
- By ZNS to the applicant's phone (a citizen with no Zalo user id in reach) when the province registered a ZNS
  template for results and named its parameters on the console: the dossier code and the signed link's path, which
  the template's button appends to the platform's address (docs/zalo-oa.md §3, "Results by ZNS"). Without one
  there is no channel for that citizen: the delivery fails saying so, and the citizen, told by the result-ready
  notice, gets a fresh link by writing the dossier code to the OA (results/bot.py).
Messages to citizens are Vietnamese whatever the console's language (as every notice).
"""

import uuid
from collections.abc import Mapping

from platform_core.delivery.composed import ComposedButton, ComposedMessage, cs_text, transaction_card
from platform_core.delivery.renderers import Renderer
from platform_core.results import links, storage
from platform_core.results.constants import DIGITS, LINK_HOURS

HEADER = "Kết quả giải quyết hồ sơ"
BUTTON = "Tải kết quả"


def enrich(context: Mapping) -> dict:
    """The file's bytes and a link signed now (for LINK_HOURS from the sending); read in the app's context."""
    result_id = uuid.UUID(context["result_id"])
    token = links.make_token(uuid.UUID(context["tenant_id"]), result_id)
    try:
        content = storage.read(result_id)
    except FileNotFoundError:
        raise ValueError("the result's file was removed (replaced, or past its retention period)") from None
    return {**context, "content": content, "link": context["link_base"] + token,
            "link_path": context.get("link_path_base", "") + token}


def _has_zns(template, context: Mapping) -> bool:
    return bool((context.get("zns") or {}).get("template_id"))


def _zns(template, context: Mapping) -> tuple[str, dict[str, str]]:
    """(the province's ZNS template for results, {code parameter: dossier code, link parameter: link's path})."""
    zns = context.get("zns") or {}
    if not zns.get("template_id"):
        raise ValueError("no ZNS template for results is set")
    return zns["template_id"], {zns["code_param"]: context["code"], zns["link_param"]: context["link_path"]}


def _message(context: Mapping) -> ComposedMessage:
    text = (f"Kết quả giải quyết hồ sơ của Ông/Bà đã có bản điện tử. Bấm “{BUTTON}” và nhập {DIGITS} số cuối "
            f"số điện thoại đã khai trong hồ sơ để tải về. Liên kết có hiệu lực {LINK_HOURS} giờ.")
    return ComposedMessage(text=text, header=HEADER, code_label="Mã hồ sơ", code=context["code"],
                           status="Đã có kết quả", status_colour="green",
                           buttons=(ComposedButton(BUTTON, url=context["link"]),))


RESULT = Renderer(
    text=lambda template, context: cs_text(_message(context)),
    card=lambda template, context: transaction_card(_message(context)),
    attachment=lambda template, context: (context["file_name"], context["content"]),
    zns=_zns, has_zns=_has_zns,
    enrich=enrich,
)
