"""Messages a feature writes itself, without a province template: a feedback acknowledgement, a rating
invitation, a notice to an official, a policy-news broadcast.

The feature fills a `ComposedMessage`; `outbox.send_composed` stores it as the notification's context, and the
sender turns it into whichever channel reaches the recipient when it is sent:
- consultation (cs): the text, then the words to answer with and the links to open (cs text has no buttons);
- transaction: a card with the header, the text, the code row ("Mã phản ánh: PA-…"), the status row and the
  buttons; a message whose buttons are its point (`card_first`: a rating invitation, answered by a tap) goes
  as this card even when a consultation text would reach the citizen (delivery/routing.py `card_first`);
- promotion (broadcasts only, `promotion=True`): a promotion card with the banner, header, text and buttons;
- ZNS, only when the feature gives a ready alternative (`zns`: a template Zalo approved for the OA and its
  parameters, rendered when the message is written), for a recipient reachable only by phone (a rating
  invitation with the province's ZNS rating template).
"""

from dataclasses import asdict, dataclass, field

from platform_core.text import fit
from platform_core.zalo.messages import (
    MAX_HEADER,
    MAX_TEXT_MESSAGE,
    Banner,
    Button,
    PromotionCard,
    TableRow,
    TextBlock,
    TransactionCard,
)

COMPOSED_KEY = "composed"  # marks a notification context as a composed message
CARD_TEMPLATE_TYPE = "transaction_event"
OPEN_URL, QUERY_HIDE = "oa.open.url", "oa.query.hide"


@dataclass(frozen=True)
class ComposedButton:
    """`url` buttons open a page; `reply` buttons send `reply` back to the OA as if the citizen wrote it.
    `means_yes` marks the button a plain "có" / "đồng ý" answers (bot/replies.py); `never_yes` one it never
    answers, even as the message's only button (it undoes something: a citizen's appointment cancelled), so that
    only its own title typed, or the tap, sends it. `spell_out` shows the reply itself on a consultation text,
    for a reply that must name its object even after later messages (an official's "XN <code>" for one of
    several notices re-sent until acknowledged)."""

    title: str
    url: str | None = None
    reply: str | None = None
    means_yes: bool = False
    spell_out: bool = False
    never_yes: bool = False

    def to_button(self) -> Button:
        if self.url:
            return Button(title=self.title, type=OPEN_URL, payload={"url": self.url})
        return Button(title=self.title, type=QUERY_HIDE, payload=self.reply)



@dataclass(frozen=True)
class ZnsAlternative:
    """The same message as a ZNS template: its id in Zalo and its parameters, already rendered."""

    template_id: str
    params: dict


@dataclass(frozen=True)
class ComposedMessage:
    """What to say. `code_label`/`code` make the card's identifying row ("Mã phản ánh", "PA-2611-0042")."""

    text: str
    header: str | None = None
    code_label: str | None = None
    code: str | None = None
    status: str | None = None
    status_colour: str = "blue"
    buttons: tuple[ComposedButton, ...] = field(default_factory=tuple)
    image_attachment_id: str | None = None
    image_url: str | None = None
    promotion: bool = False
    zns: ZnsAlternative | None = None
    card_first: bool = False  # the transaction card before a consultation text: the buttons are the point

    def to_context(self) -> dict:
        context = asdict(self)
        context["buttons"] = [asdict(button) for button in self.buttons]
        context[COMPOSED_KEY] = True
        return context

    @classmethod
    def from_context(cls, context: dict) -> "ComposedMessage":
        values = {key: value for key, value in context.items() if key in cls.__dataclass_fields__}
        values["buttons"] = tuple(ComposedButton(**button) for button in context.get("buttons") or ())
        values["zns"] = ZnsAlternative(**context["zns"]) if context.get("zns") else None
        return cls(**values)


def is_composed(context: dict | None) -> bool:
    return bool(context and context.get(COMPOSED_KEY))


def wants_card(context: dict | None) -> bool:
    return is_composed(context) and bool(context.get("card_first"))


def has_zns(context: dict | None) -> bool:
    return is_composed(context) and bool(context.get("zns"))


def cs_text(message: ComposedMessage) -> str:
    """The consultation-message form: header, text, then what each button would have done."""
    parts = [message.header, message.text] if message.header else [message.text]
    if message.code and message.code_label:
        parts.append(f"{message.code_label}: {message.code}")
    parts.append(_reply_hint([button.title for button in message.buttons if button.reply and not button.spell_out]))
    parts.extend(f"• {button.title}: trả lời “{button.reply}”" for button in message.buttons if button.spell_out)
    parts.extend(f"• {button.title}: {button.url}" for button in message.buttons if button.url)
    return fit("\n".join(part for part in parts if part), MAX_TEXT_MESSAGE)


def _reply_hint(titles: list[str]) -> str | None:
    """A consultation text has no buttons: the citizen answers with the button's words, which the bot reads as
    the button (bot/replies.py), instead of copying a command."""
    if not titles:
        return None
    quoted = [f"“{title}”" for title in titles]
    choices = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} hoặc {quoted[-1]}"
    return f"Trả lời {choices}."


def transaction_card(message: ComposedMessage) -> TransactionCard:
    table = []
    if message.code:
        table.append(TableRow(message.code_label or "Mã", fit(message.code, 100)))
    if message.status:
        table.append(TableRow("Trạng thái", fit(message.status, 100), style=message.status_colour))
    card = TransactionCard(
        template_type=CARD_TEMPLATE_TYPE,
        header=TextBlock(fit(message.header, MAX_HEADER)) if message.header else None,
        text=TextBlock(fit(message.text, TransactionCard.MAX_TEXT)),
        table=table,
        buttons=[button.to_button() for button in message.buttons],
    )
    card.validate()
    return card


def promotion_card(message: ComposedMessage) -> PromotionCard:
    banner = None
    if message.image_attachment_id or message.image_url:
        banner = Banner(attachment_id=message.image_attachment_id) if message.image_attachment_id \
            else Banner(image_url=message.image_url)
    card = PromotionCard(
        banner=banner,
        header=TextBlock(fit(message.header, MAX_HEADER)) if message.header else None,
        text=TextBlock(fit(message.text, PromotionCard.MAX_TEXT)),
        buttons=[button.to_button() for button in message.buttons],
    )
    card.validate()
    return card
