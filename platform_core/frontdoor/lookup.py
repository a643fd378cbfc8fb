"""A dossier looked up by its code on the province's page, under the bot's rules (bot/answers.py): the page
shows what the OA would answer a stranger who typed the code, the applicant's name masked, since a code
printed on a receipt slip proves nothing about who reads it (docs/domain.md §6)."""

from platform_core.bot import answers, lookup
from platform_core.bot.parser import find_code
from platform_core.db.types import utcnow
from platform_core.text import fold

# Nobody is linked to a dossier on the web: no Zalo id, no shared phone.
VISITOR = lookup.Sender(zalo_user_id="")
MAX_TYPED_CHARS = 100


def code_in(typed: str) -> str | None:
    """The dossier code in what was typed (spaces, case and separators as citizens type them), or None."""
    return find_code(fold(typed[:MAX_TYPED_CHARS]))


def answer_for(code: str) -> str | None:
    """The OA's answer about the dossier with `code` in the province in context; None when there is none
    (a typo, a code not yet received, another province's code: the page cannot tell them apart either)."""
    dossier = lookup.find_dossier(code)
    if dossier is None:
        return None
    return answers.dossier_answer(dossier, lookup.procedure_of(dossier), VISITOR, lookup.desk(), utcnow())
