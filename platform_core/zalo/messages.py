"""Bodies of OA v3 messages: plain text, image, request-user-info, and transaction/promotion cards.

The cards follow docs/zalo-oa.md §2 ([M] `tin-giao-dich/gui-tin-giao-dich`, `…/gui-tin-truyen-thong-ca-nhan`):
`validate()` raises `CardError` whose `errors` maps a field ("header", "table[2].style", "buttons[0].payload")
to its problems, which the template editor shows next to that field; `to_payload()` validates, then returns
the exact `message.attachment` JSON. Element order on the wire is the documented one: banner, header, text,
table, footer (the second text element, shown under the table).
"""

from dataclasses import dataclass, field
from typing import Any, ClassVar

TRANSACTION_TEMPLATE_TYPES = tuple(f"transaction_{kind}" for kind in (
    "billing", "order", "reward", "contract", "booking", "membership", "event", "transaction", "account",
    "internal", "partnership", "education", "rating",
))
PROMOTION_TEMPLATE_TYPE = "promotion"
LANGUAGES = ("VI", "EN")
ALIGNS = ("left", "center", "right")
ROW_STYLES = ("green", "blue", "yellow", "red", "grey")
BUTTON_TYPES = ("oa.open.url", "oa.query.show", "oa.query.hide", "oa.open.phone", "oa.open.sms")
STATUS_KEYS = {"VI": "Trạng thái", "EN": "Status"}
CUSTOMER_NAME_KEYS = {"VI": "Tên khách hàng", "EN": "Customer Name"}

MAX_TEXT_MESSAGE = 2000
MAX_REQUEST_TITLE, MAX_REQUEST_SUBTITLE = 100, 500  # request_user_info (docs/zalo-oa.md §2)
MAX_HEADER = 100
MAX_ROW_KEY = 35
MAX_ROW_VALUE = 100
MAX_FREE_ROWS = 5
MAX_BUTTONS = 4  # the transaction and promotion pages say 4, the generic appendix 5 (docs/zalo-oa.md §8 item 9)
MAX_BUTTON_TITLE = 35


class MessageError(ValueError):
    """A message body Zalo would refuse; `errors` is {field: [messages]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {', '.join(problems)}" for name, problems in errors.items()))
        self.errors = errors


class CardError(MessageError):
    """A transaction or promotion card that breaks one of Zalo's rules."""


class _Problems:
    """Collects {field: [messages]} while validating."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def check_text(self, name: str, value: Any, limit: int) -> None:
        if not isinstance(value, str) or not value.strip():
            self.add(name, "must not be empty")
        elif len(value) > limit:
            self.add(name, f"must be at most {limit} characters (now {len(value)})")

    def raise_if_any(self, error_class: type[MessageError]) -> None:
        if self.errors:
            raise error_class(self.errors)


# --- plain consultation (cs) messages --------------------------------------------------------------------

def text_message(text: str, quote_message_id: str | None = None) -> dict:
    """`message` of a cs text: at most 2,000 characters; quoting adds `quote_message_id` (docs/zalo-oa.md §2)."""
    problems = _Problems()
    problems.check_text("text", text, MAX_TEXT_MESSAGE)
    problems.raise_if_any(MessageError)
    message = {"text": text}
    if quote_message_id:
        message["quote_message_id"] = quote_message_id
    return message


def image_message(url: str | None = None, attachment_id: str | None = None, caption: str | None = None) -> dict:
    """`message` of a cs image: one `media` element with either `url` or `attachment_id`, optional caption."""
    problems = _Problems()
    if bool(url) == bool(attachment_id):
        problems.add("image", "give either url or attachment_id")
    if caption is not None:
        problems.check_text("caption", caption, MAX_TEXT_MESSAGE)
    problems.raise_if_any(MessageError)
    element = {"media_type": "image", **({"url": url} if url else {"attachment_id": attachment_id})}
    message: dict[str, Any] = {"attachment": _template("media", elements=[element])}
    if caption:
        message["text"] = caption
    return message


def file_message(file_token: str) -> dict:
    """`message` of a cs file: the token /v2.0/oa/upload/file gave (docs/zalo-oa.md §2, §4). No text goes
    with it."""
    if not file_token:
        raise MessageError({"file": ["give the token of an uploaded file"]})
    return {"attachment": {"type": "file", "payload": {"token": file_token}}}


def request_user_info_message(title: str, subtitle: str, image_url: str) -> dict:
    """`message` asking the citizen to share name, phone and address; the answer is a `user_submit_info` event."""
    problems = _Problems()
    for name, value, limit in (("title", title, MAX_REQUEST_TITLE), ("subtitle", subtitle, MAX_REQUEST_SUBTITLE),
                               ("image_url", image_url, MAX_TEXT_MESSAGE)):
        problems.check_text(name, value, limit)
    problems.raise_if_any(MessageError)
    element = {"title": title, "subtitle": subtitle, "image_url": image_url}
    return {"attachment": _template("request_user_info", elements=[element])}


def _template(template_type: str, **payload: Any) -> dict:
    return {"type": "template", "payload": {"template_type": template_type, **payload}}


# --- card parts ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Banner:
    """jpg/png, at most 1 MB, height:width between 1:5 and 1:1; by URL or uploaded `attachment_id`."""

    image_url: str | None = None
    attachment_id: str | None = None

    def problems(self, name: str, problems: _Problems) -> None:
        if bool(self.image_url) == bool(self.attachment_id):
            problems.add(name, "give either image_url or attachment_id")

    def to_element(self) -> dict:
        source = {"image_url": self.image_url} if self.image_url else {"attachment_id": self.attachment_id}
        return {"type": "banner", **source}


@dataclass(frozen=True)
class TextBlock:
    """A header or text element; `align` is left, center or right (Zalo's default when left out)."""

    content: str
    align: str | None = None

    def problems(self, name: str, limit: int, problems: _Problems) -> None:
        problems.check_text(name, self.content, limit)
        if self.align is not None and self.align not in ALIGNS:
            problems.add(f"{name}.align", f"must be one of {', '.join(ALIGNS)}")

    def to_element(self, element_type: str) -> dict:
        element = {"type": element_type, "content": self.content}
        if self.align:
            element["align"] = self.align
        return element


@dataclass(frozen=True)
class TableRow:
    key: str
    value: str
    style: str | None = None

    def to_dict(self) -> dict:
        row = {"key": self.key, "value": self.value}
        if self.style:
            row["style"] = self.style
        return row


@dataclass(frozen=True)
class Button:
    """`payload` is {url} for oa.open.url, a string for oa.query.*, {phone_code} or {phone_code, content} for
    oa.open.phone / oa.open.sms (docs/zalo-oa.md §2, button action types). `image_icon`: URL, attachment_id, "" or
    "default"."""

    title: str
    type: str
    payload: Any
    image_icon: str = ""

    def problems(self, name: str, problems: _Problems) -> None:
        problems.check_text(f"{name}.title", self.title, MAX_BUTTON_TITLE)
        if not isinstance(self.image_icon, str):
            problems.add(f"{name}.image_icon", "must be a URL, an attachment id, \"\" or \"default\"")
        if self.type not in BUTTON_TYPES:
            problems.add(f"{name}.type", f"must be one of {', '.join(BUTTON_TYPES)}")
            return
        problem = _button_payload_problem(self.type, self.payload)
        if problem:
            problems.add(f"{name}.payload", problem)

    def to_dict(self) -> dict:
        return {"title": self.title, "image_icon": self.image_icon, "type": self.type, "payload": self.payload}


def _button_payload_problem(button_type: str, payload: Any) -> str | None:
    if button_type in ("oa.query.show", "oa.query.hide"):
        return None if isinstance(payload, str) and payload.strip() else "must be the text sent back to the OA"
    if not isinstance(payload, dict):
        return "must be an object"
    if button_type == "oa.open.url":
        url = payload.get("url")
        return None if isinstance(url, str) and url.startswith(("https://", "http://")) else "needs an http(s) url"
    phone = payload.get("phone_code")
    if not (isinstance(phone, str) and phone.isdigit()):
        return "needs phone_code, digits only (84…)"
    if button_type == "oa.open.sms" and not (isinstance(payload.get("content"), str) and payload["content"].strip()):
        return "needs the sms content"
    return None


# --- cards ---------------------------------------------------------------------------------------------------

@dataclass
class TransactionCard:
    """A transaction message (giao dịch): paid, for citizens who interacted within a year (docs/zalo-oa.md §2)."""

    template_type: str
    table: list[TableRow] = field(default_factory=list)
    language: str = "VI"
    banner: Banner | None = None
    header: TextBlock | None = None
    text: TextBlock | None = None
    footer: TextBlock | None = None
    buttons: list[Button] = field(default_factory=list)

    TEMPLATE_TYPES: ClassVar[tuple[str, ...]] = TRANSACTION_TEMPLATE_TYPES
    MAX_TEXT: ClassVar[int] = 250
    NEEDS_IDENTIFYING_ROW: ClassVar[bool] = True

    def validate(self) -> None:
        problems = _Problems()
        if self.template_type not in self.TEMPLATE_TYPES:
            problems.add("template_type", f"must be one of {', '.join(self.TEMPLATE_TYPES)}")
        if self.language not in LANGUAGES:
            problems.add("language", "must be VI or EN")
        if self.banner is not None:
            self.banner.problems("banner", problems)
        if self.header is not None:
            self.header.problems("header", MAX_HEADER, problems)
        for name in ("text", "footer"):
            block = getattr(self, name)
            if block is not None:
                block.problems(name, self.MAX_TEXT, problems)
        self._table_problems(problems)
        self._button_problems(problems)
        problems.raise_if_any(CardError)

    def to_payload(self) -> dict:
        """The `message.attachment` object, exactly as Zalo documents it."""
        self.validate()
        payload = {"template_type": self.template_type, "language": self.language, "elements": self._elements()}
        if self.buttons:
            payload["buttons"] = [button.to_dict() for button in self.buttons]
        return {"type": "template", "payload": payload}

    def _elements(self) -> list[dict]:
        elements = []
        if self.banner:
            elements.append(self.banner.to_element())
        if self.header:
            elements.append(self.header.to_element("header"))
        if self.text:
            elements.append(self.text.to_element("text"))
        if self.table:
            elements.append({"type": "table", "content": [row.to_dict() for row in self.table]})
        if self.footer:
            elements.append(self.footer.to_element("text"))
        return elements

    def _table_problems(self, problems: _Problems) -> None:
        free_rows = 0
        for index, row in enumerate(self.table):
            name = f"table[{index}]"
            problems.check_text(f"{name}.key", row.key, MAX_ROW_KEY)
            problems.check_text(f"{name}.value", row.value, MAX_ROW_VALUE)
            is_status = self._is_status(row)
            if row.style is not None and not is_status:
                status_key = STATUS_KEYS[self._rules_language]
                problems.add(f"{name}.style", f"only the “{status_key}” row may have a style")
            elif row.style is not None and row.style not in ROW_STYLES:
                problems.add(f"{name}.style", f"must be one of {', '.join(ROW_STYLES)}")
            if not (is_status or self._is_identifying(row)):
                free_rows += 1
        if free_rows > MAX_FREE_ROWS:
            problems.add("table", f"at most {MAX_FREE_ROWS} rows besides the code/name and status rows")
        if self.NEEDS_IDENTIFYING_ROW and not any(self._is_identifying(row) for row in self.table):
            problems.add("table", self._identifying_hint())

    def _button_problems(self, problems: _Problems) -> None:
        if len(self.buttons) > MAX_BUTTONS:
            problems.add("buttons", f"at most {MAX_BUTTONS} buttons")
        for index, button in enumerate(self.buttons):
            button.problems(f"buttons[{index}]", problems)

    @property
    def _rules_language(self) -> str:
        """The table rules depend on the language; an invalid one is reported once, then VI rules apply."""
        return self.language if self.language in LANGUAGES else "VI"

    def _is_status(self, row: TableRow) -> bool:
        return isinstance(row.key, str) and row.key.strip() == STATUS_KEYS[self._rules_language]

    def _is_identifying(self, row: TableRow) -> bool:
        """Zalo wants a row naming the transaction: a key starting "Mã" (EN: containing "Code") or the
        customer-name key."""
        key = row.key.strip() if isinstance(row.key, str) else ""
        if key == CUSTOMER_NAME_KEYS[self._rules_language]:
            return True
        return "Code" in key if self._rules_language == "EN" else key.startswith("Mã")

    def _identifying_hint(self) -> str:
        if self._rules_language == "EN":
            return "needs a row whose key contains “Code”, or a “Customer Name” row"
        return "needs a row whose key starts with “Mã”, or a “Tên khách hàng” row"


@dataclass
class PromotionCard(TransactionCard):
    """A personal promotion message (truyền thông cá nhân): followers only, 06:00-21:59, text up to 1,000
    characters. The identifying-row rule is documented for transactions only, so it is not enforced here."""

    template_type: str = PROMOTION_TEMPLATE_TYPE

    TEMPLATE_TYPES: ClassVar[tuple[str, ...]] = (PROMOTION_TEMPLATE_TYPE,)
    MAX_TEXT: ClassVar[int] = 1000
    NEEDS_IDENTIFYING_ROW: ClassVar[bool] = False
