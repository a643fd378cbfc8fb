"""A citizen answers the question they were just sent in their own words, as they would answer a person.

The question is the last message the province sent them (delivery/recent.py) when it had reply buttons
(delivery/composed.py: on a consultation message they are shown as lines to copy, which nobody types). Before
anything else reads the text, a natural answer is turned into what the button would have sent:
- the button's own title, typed ("hài lòng" for the "Hài lòng" button, "rất hài lòng"), any case or accents;
- a plain yes ("đồng ý", "có", "ok", "vâng", "ừ", "được"…, with "ạ", "nhé" or punctuation) picks the question's
  one yes button: the one marked `means_yes` or titled as a yes, or the only reply button there is (unless it is
  marked `never_yes`: "ok" to a confirmation never cancels the appointment it confirms).
Anything else is left as typed, and the commands and the lookup read it as usual.
"""

import re
from datetime import datetime

from platform_core.delivery.composed import ComposedButton, ComposedMessage, is_composed
from platform_core.delivery.recent import last_message_to
from platform_core.text import fold

YES = frozenset({"dong y", "co", "ok", "oke", "okay", "vang", "u", "uh", "yes", "duoc", "co dong y", "toi dong y",
                 "dong y nhan", "chac chan roi", "co chu"})
POLITE_ENDINGS = ("a", "nhe", "nha", "ah", "oa", "nhe oa")  # "có ạ", "đồng ý nhé"
MAX_WORDS = 6  # a longer message says something else than yes


def resolve(zalo_user_id: str, text: str, now: datetime) -> str:
    """What `text` means as an answer to the last question sent to this citizen; `text` itself otherwise."""
    words = plain_words(text)
    if not words or len(words.split()) > MAX_WORDS:
        return text
    question = last_message_to(zalo_user_id, now)
    if question is None or not is_composed(question.context):
        return text
    button = pressed(words, ComposedMessage.from_context(question.context).buttons)
    return button.reply if button is not None else text


def pressed(words: str, buttons: tuple[ComposedButton, ...]) -> ComposedButton | None:
    """The reply button `words` (already plain) stands for, if exactly one."""
    replies = [button for button in buttons if button.reply]
    titled = [button for button in replies if plain_words(button.title) == words]
    if titled:
        return titled[0]
    if words not in YES:
        return None
    yes_buttons = [button for button in replies if button.means_yes or plain_words(button.title) in YES]
    if len(yes_buttons) == 1:
        return yes_buttons[0]
    return replies[0] if len(replies) == 1 and not replies[0].never_yes else None


def plain_words(text: str) -> str:
    """Folded words without punctuation and without a polite ending: "Có ạ!" -> "co"."""
    words = re.sub(r"[^\w\s]", " ", fold(text or "")).split()
    while len(words) > 1 and words[-1] in POLITE_ENDINGS:
        words.pop()
    return " ".join(words)
