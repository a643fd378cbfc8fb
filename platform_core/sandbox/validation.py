"""Body checks for the v3 send endpoints (docs/zalo-oa.md §2, §9 items 3-5).

Each check returns None or (code, message). -201 is "invalid parameter" and -210 "parameter exceeds its
limit", as in Zalo's error table (§6); the messages imitate Zalo's "<field> is invalid" wording.
"""

TRANSACTION_TYPES = frozenset(f"transaction_{kind}" for kind in (
    "billing", "order", "reward", "contract", "booking", "membership", "event", "transaction", "account",
    "internal", "partnership", "education", "rating"))
BUTTON_TYPES = frozenset({"oa.open.url", "oa.query.show", "oa.query.hide", "oa.open.phone", "oa.open.sms"})
STATUS_STYLES = frozenset({"green", "blue", "yellow", "red", "grey"})
STATUS_KEYS = frozenset({"Trạng thái", "Status"})
ALIGNS = frozenset({"left", "center", "right"})
MAX_CS_TEXT = 2000
MAX_BUTTONS = 4
MAX_FREE_ROWS = 5


def invalid(field: str) -> tuple[int, str]:
    return -201, f"{field} is invalid"


# --- consultation (cs) ----------------------------------------------------------------------------------------

def check_cs_message(message, attachments: dict, now_ms: int, attachment_ttl_s: int):
    if not isinstance(message, dict):
        return invalid("message")
    attachment = message.get("attachment")
    text = message.get("text")
    if attachment is None:
        if not isinstance(text, str) or not text.strip():
            return invalid("message.text")
        return (-210, "message.text exceeds the limit") if len(text) > MAX_CS_TEXT else None
    if text is not None and (not isinstance(text, str) or len(text) > MAX_CS_TEXT):
        return -210, "message.text exceeds the limit"
    return _check_cs_attachment(attachment, attachments, now_ms, attachment_ttl_s)


def _check_cs_attachment(attachment, attachments, now_ms, ttl_s):
    if not isinstance(attachment, dict):
        return invalid("message.attachment")
    payload = attachment.get("payload") if isinstance(attachment.get("payload"), dict) else {}
    if attachment.get("type") == "file":
        return _check_upload(payload.get("token"), "file", attachments, now_ms, ttl_s, "payload.token")
    if attachment.get("type") != "template":
        return invalid("attachment.type")
    kind = payload.get("template_type")
    elements = payload.get("elements")
    if not isinstance(elements, list) or len(elements) != 1 or not isinstance(elements[0], dict):
        return invalid("payload.elements")
    element = elements[0]
    if kind == "request_user_info":  # title <= 100, subtitle <= 500 characters (docs/zalo-oa.md §2)
        if not element.get("title") or len(element["title"]) > 100:
            return invalid("elements.title")
        return invalid("elements.subtitle") if len(element.get("subtitle") or "") > 500 else None
    if kind != "media" or element.get("media_type") != "image":
        return invalid("payload.template_type")
    if element.get("url"):
        return None
    return _check_upload(element.get("attachment_id"), "image", attachments, now_ms, ttl_s, "attachment_id")


def _check_upload(key, kind, attachments, now_ms, ttl_s, field):
    """Uploaded media lives at most 7 days on Zalo (docs/zalo-oa.md §4): an old attachment_id gives -100."""
    upload = attachments.get(key or "")
    if upload is None or upload["kind"] != kind:
        return invalid(field)
    if now_ms - upload["created_ms"] > ttl_s * 1000:
        return -100, "attachment_id has expired"
    return None


# --- transaction and promotion ---------------------------------------------------------------------------------

def check_template_message(message, promotion: bool):
    """The attachment of a transaction (`transaction_*`) or promotion (`promotion`) message."""
    attachment = message.get("attachment") if isinstance(message, dict) else None
    if not isinstance(attachment, dict) or attachment.get("type") != "template":
        return invalid("message.attachment")
    payload = attachment.get("payload")
    if not isinstance(payload, dict):
        return invalid("attachment.payload")
    kind = payload.get("template_type")
    if (kind != "promotion") if promotion else (kind not in TRANSACTION_TYPES):
        return invalid("payload.template_type")
    language = payload.get("language")
    if (language is not None or not promotion) and language not in ("VI", "EN"):
        return invalid("payload.language")
    return _check_elements(payload.get("elements"), promotion) or _check_buttons(payload.get("buttons", []))


def _check_elements(elements, promotion: bool):
    if not isinstance(elements, list) or not elements or not all(isinstance(e, dict) for e in elements):
        return invalid("payload.elements")
    texts = [e for e in elements if e.get("type") == "text"]
    if len(texts) > 2:
        return invalid("elements.text")
    for element in elements:
        problem = _check_element(element, promotion)
        if problem:
            return problem
    if not promotion and not any(_is_identifying_table(e) for e in elements if e.get("type") == "table"):
        return invalid("elements.table")
    return None


def _check_element(element: dict, promotion: bool):
    kind = element.get("type")
    if element.get("align") is not None and element["align"] not in ALIGNS:
        return invalid(f"{kind}.align")
    if kind == "banner":
        return None if (element.get("image_url") or element.get("attachment_id")) else invalid("banner.image_url")
    if kind in ("header", "text"):
        limit = 100 if kind == "header" else (1000 if promotion else 250)
        content = element.get("content")
        ok = isinstance(content, str) and 0 < len(content) <= limit
        return None if ok else invalid(f"{kind}.content")
    if kind == "table":
        return _check_table(element.get("content"))
    return invalid("element.type")


def _check_table(rows):
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        return invalid("table.content")
    for row in rows:
        key, value = row.get("key"), row.get("value")
        if not isinstance(key, str) or not key or len(key) > 35:
            return invalid("table.key")
        if not isinstance(value, str) or len(value) > 100:
            return invalid("table.value")
        if "style" in row and (key not in STATUS_KEYS or row["style"] not in STATUS_STYLES):
            return invalid("table.style")
    free = [row for row in rows if not _is_special_key(row["key"])]
    return invalid("table.content") if len(free) > MAX_FREE_ROWS else None


def _is_identifying_key(key: str) -> bool:
    return key.startswith("Mã") or "Code" in key or key in ("Tên khách hàng", "Customer Name")


def _is_special_key(key: str) -> bool:
    return _is_identifying_key(key) or key in STATUS_KEYS


def _is_identifying_table(element: dict) -> bool:
    rows = element.get("content") or []
    return any(_is_identifying_key(row.get("key", "")) for row in rows if isinstance(row, dict))


def _check_buttons(buttons):
    if not isinstance(buttons, list) or len(buttons) > MAX_BUTTONS:
        return invalid("payload.buttons")
    for button in buttons:
        if not isinstance(button, dict):
            return invalid("buttons")
        title = button.get("title")
        if not isinstance(title, str) or not title or len(title) > 35:
            return invalid("buttons.title")
        if button.get("type") not in BUTTON_TYPES or not _button_payload_ok(button):
            return invalid("buttons.type")
    return None


def _button_payload_ok(button: dict) -> bool:
    kind, payload = button["type"], button.get("payload")
    if kind.startswith("oa.query."):
        return isinstance(payload, str) and bool(payload)
    if not isinstance(payload, dict):
        return False
    required = {"oa.open.url": ("url",), "oa.open.phone": ("phone_code",), "oa.open.sms": ("phone_code", "content")}
    return all(payload.get(name) for name in required[kind])
