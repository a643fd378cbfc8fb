"""A citizen's conversation as the phone view shows it: OA messages (cs, transaction and promotion cards),
ZNS notices addressed to the citizen's phone, and what the citizen wrote or shared.

Pure functions over the state, so the HTML stays dumb.
"""

import re
from datetime import datetime

from platform_core.sandbox.clock import VIETNAM
from platform_core.sandbox.phones import phone_hash
from platform_core.sandbox.state import Message, SandboxState, User

STATUS_LABELS = {"sent": "Đã gửi", "received": "Đã nhận", "seen": "Đã xem"}
KIND_LABELS = {"cs": "Tin tư vấn", "transaction": "Tin giao dịch", "promotion": "Tin truyền thông",
               "article": "Tin truyền thông (bài viết)",
               "zns": "Thông báo ZNS"}
_PLACEHOLDER = re.compile(r"<(\w+)>")


def messages_for(state: SandboxState, user: User) -> list[Message]:
    """The user's UID conversation plus ZNS sent to their phone (or its hash) by the same OA, without what the
    citizen sent by an `oa.query.hide` button (Zalo does not show it)."""
    addresses = {user.user_id}
    if user.phone:
        addresses |= {user.phone, phone_hash(user.phone)}
    with state.lock:
        found = [m for m in state.messages.values()
                 if m.oa_id == user.oa_id and m.user_id in addresses and not m.hidden]
    return sorted(found, key=lambda m: (m.sent_ms, m.seq))


def bubble(state: SandboxState, message: Message) -> dict:
    side = "user" if message.kind.startswith("user") else "oa"
    view = {"id": message.message_id, "time": _clock_text(message.sent_ms), "kind": message.kind, "side": side,
            "kind_label": KIND_LABELS.get(message.kind, ""), "status": STATUS_LABELS.get(message.status, "")}
    if message.kind == "user":
        view["text"] = message.body.get("text", "")
    elif message.kind == "user_info":
        view["text"] = "Đã chia sẻ thông tin: " + ", ".join(str(v) for v in message.body.values() if v)
    elif message.kind == "zns":
        view["zns"] = _zns(state, message.body)
    elif message.kind == "article":
        view["article"] = _article(state, message.body)
    else:
        view.update(_oa_message(state, message.body.get("message") or {}))
    return view


def _clock_text(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=VIETNAM).strftime("%H:%M %d/%m")


def _oa_message(state: SandboxState, message: dict) -> dict:
    view = {"text": message.get("text", "")}
    attachment = message.get("attachment") or {}
    payload = attachment.get("payload") or {}
    if attachment.get("type") == "file":
        view["file"] = file_view(state, str(payload.get("token", "")))
    kind = payload.get("template_type", "")
    if kind == "media":
        element = (payload.get("elements") or [{}])[0]
        view["image"] = element.get("url") or ""
        view["image_label"] = "Ảnh đính kèm"
    elif kind == "request_user_info":
        view["request_info"] = (payload.get("elements") or [{}])[0]
    elif kind.startswith("transaction_") or kind == "promotion":
        view["card"] = _card(payload)
    return view


def file_token(message: Message) -> str | None:
    """The upload token an OA file message carries, else None."""
    attachment = ((message.body or {}).get("message") or {}).get("attachment") or {}
    return str((attachment.get("payload") or {}).get("token", "")) if attachment.get("type") == "file" else None


def file_view(state: SandboxState, token: str) -> dict:
    """A file message as Zalo shows it: the uploaded file's name and size, which opens the file."""
    upload = state.attachments.get(token) or {}
    return {"token": token, "name": upload.get("name") or "Tệp đính kèm",
            "size_kb": -(-int(upload.get("size") or 0) // 1024), "available": upload.get("content") is not None}


def _card(payload: dict) -> dict:
    card = {"banner": "", "header": "", "texts": [], "rows": [], "buttons": payload.get("buttons") or []}
    for element in payload.get("elements") or []:
        kind = element.get("type")
        if kind == "banner":
            card["banner"] = element.get("image_url", "")
        elif kind == "header":
            card["header"] = element.get("content", "")
        elif kind == "text":
            card["texts"].append(element.get("content", ""))
        elif kind == "table":
            card["rows"].extend(element.get("content") or [])
    return card


def _article(state: SandboxState, body: dict) -> dict:
    """The broadcast article's card: its cover, title and description, as Zalo shows an article message."""
    elements = ((body.get("message") or {}).get("attachment") or {}).get("payload", {}).get("elements") or [{}]
    article = state.articles.get(str(elements[0].get("attachment_id", ""))) or {}
    return {"title": article.get("title", ""), "description": article.get("description", ""),
            "cover": (article.get("cover") or {}).get("photo_url", "")}


def _zns(state: SandboxState, body: dict) -> dict:
    template = state.templates.get(str(body.get("template_id", "")))
    data = body.get("template_data") or {}
    name = template.template_name if template else f"Mẫu {body.get('template_id')}"
    preview = template.preview if template else ""
    text = _filled(preview, data) if preview else ""
    buttons = [{"title": button.get("title", ""), "url": _filled(str(button.get("content", "")), data)}
               for button in (template.buttons if template else []) if str(button.get("type")) == "1"]
    return {"name": name, "text": text, "rows": [] if text else list(data.items()), "buttons": buttons}


def _filled(text: str, data: dict) -> str:
    return _PLACEHOLDER.sub(lambda m: str(data.get(m.group(1), m.group(0))), text)
