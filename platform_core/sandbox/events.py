"""Webhook event bodies, one builder per event family, in the shapes of docs/zalo-oa.md §5 and §3 (ZNS).

`timestamp` is always a string of milliseconds from the sandbox clock. Builders take the app, the OA-scoped
user (or None) and the caller's fields; they never send anything (webhooks.py does).
"""

import secrets

from platform_core.sandbox.phones import normalise_phone
from platform_core.sandbox.state import App, User

USER_SEND = ("user_send_text", "user_send_image", "user_send_link", "user_send_audio", "user_send_video",
             "user_send_sticker", "user_send_location", "user_send_business_card", "user_send_file",
             "user_send_gif")
USER_SEND_GROUP = tuple(name.replace("user_send_", "user_send_group_") for name in USER_SEND)
OA_SEND = ("oa_send_text", "oa_send_image", "oa_send_gif", "oa_send_list", "oa_send_file", "oa_send_sticker")
NEEDS_USER = (*USER_SEND, *USER_SEND_GROUP, *OA_SEND, "follow", "unfollow", "user_submit_info", "user_click_chatnow",
              "user_received_message", "user_seen_message", "user_reacted_message", "oa_reacted_message",
              "user_withdraw")


_CDN = "https://dl-sandbox.zdn.vn"  # real attachment URLs live on *.zdn.vn CDNs (docs/zalo-oa.md §5)
DEFAULT_ATTACHMENTS = {
    "user_send_image": {"type": "image", "payload": {"thumbnail": f"{_CDN}/anh-thumb.jpg", "url": f"{_CDN}/anh.jpg"}},
    "user_send_gif": {"type": "gif", "payload": {"thumbnail": f"{_CDN}/gif-thumb.jpg", "url": f"{_CDN}/a.gif"}},
    "user_send_link": {"type": "link", "payload": {"thumbnail": f"{_CDN}/link.jpg", "description": "Cổng DVC",
                                                   "url": "https://dichvucong.gov.vn"}},
    "user_send_audio": {"type": "audio", "payload": {"url": f"{_CDN}/ghi-am.aac"}},
    "user_send_video": {"type": "video", "payload": {"url": f"{_CDN}/video.mp4", "thumbnail": f"{_CDN}/video.jpg",
                                                     "description": ""}},
    "user_send_sticker": {"type": "sticker", "payload": {"url": f"{_CDN}/sticker.png", "id": "12345"}},
    "user_send_location": {"type": "location", "payload": {"coordinates": {"latitude": "21.1861",
                                                                           "longitude": "106.0763"}}},
    "user_send_file": {"type": "file", "payload": {"size": "20480", "name": "giay-to.pdf", "type": "pdf",
                                                   "checksum": "0f343b0931126a20f133d67c2b018a3b",
                                                   "url": f"{_CDN}/giay-to.pdf"}},
}


def new_msg_id() -> str:
    return secrets.token_hex(16)


def _message(fields: dict, **extra) -> dict:
    message = {"msg_id": fields.get("msg_id") or new_msg_id(), **extra}
    for key in ("attachments", "quote_msg_id"):
        if fields.get(key):
            message[key] = fields[key]
    return message


def user_send(name, app: App, user: User, fields: dict, ts: str) -> dict:
    text = fields.get("text", "" if name != "user_send_text" else "Xin chào")
    if name in DEFAULT_ATTACHMENTS and not fields.get("attachments"):
        fields = {**fields, "attachments": [DEFAULT_ATTACHMENTS[name]]}
    return {"app_id": app.app_id, "sender": {"id": user.user_id}, "user_id_by_app": user.user_id_by_app,
            "recipient": {"id": app.oa_id}, "event_name": name, "message": _message(fields, text=text),
            "timestamp": ts}


def user_send_group(name, app: App, user: User, fields: dict, ts: str) -> dict:
    """A member wrote in one of the OA's group chats (GMF): the recipient is the group and the OA id is at the
    top level (docs/zalo-oa.md §5). `group_id` picks the group."""
    body = user_send(name.replace("user_send_group_", "user_send_"), app, user, fields, ts)
    body.update(event_name=name, recipient={"id": fields.get("group_id") or f"group-{app.oa_id}"}, oa_id=app.oa_id)
    return body


def oa_send(name, app: App, user: User, fields: dict, ts: str) -> dict:
    sender = {"id": app.oa_id, **({"admin_id": fields["admin_id"]} if fields.get("admin_id") else {})}
    return {"app_id": app.app_id, "sender": sender, "recipient": {"id": user.user_id}, "event_name": name,
            "message": _message(fields, text=fields.get("text", "")), "user_id_by_app": user.user_id_by_app,
            "timestamp": ts}


def follow(name, app: App, user: User, fields: dict, ts: str) -> dict:
    return {"oa_id": app.oa_id, "follower": {"id": user.user_id}, "user_id_by_app": user.user_id_by_app,
            "event_name": name, "source": fields.get("source", "oa_profile"), "app_id": app.app_id,
            "timestamp": ts}


def receipt(name, app: App, user: User, fields: dict, ts: str) -> dict:
    """user_received_message has message.msg_id; user_seen_message a *list* message.msg_ids. The OA is the
    sender, as in oa_reacted_message (the OA reacted to the citizen's message)."""
    if name == "user_seen_message":
        message = {"msg_ids": list(fields.get("msg_ids") or [fields.get("msg_id") or new_msg_id()])}
    elif name.endswith("_reacted_message"):
        message = {"msg_id": fields.get("msg_id") or new_msg_id(), "react_icon": fields.get("react_icon", "/-heart")}
    else:
        message = {"msg_id": fields.get("msg_id") or new_msg_id()}
    return {"app_id": app.app_id, "sender": {"id": app.oa_id}, "recipient": {"id": user.user_id},
            "event_name": name, "message": message, "timestamp": ts}


def reacted(name, app: App, user: User, fields: dict, ts: str) -> dict:
    """user_reacted_message goes user -> OA (the OA is the recipient), unlike the receipts."""
    body = receipt(name, app, user, fields, ts)
    body["sender"], body["recipient"] = {"id": user.user_id}, {"id": app.oa_id}
    return body


def submit_info(name, app: App, user: User, fields: dict, ts: str) -> dict:
    """info.phone is a *number* in Zalo's example (docs/zalo-oa.md §5): the receiver must coerce it."""
    phone = normalise_phone(fields.get("phone")) or user.phone or "84912345678"
    info = {"address": fields.get("address", user.address), "phone": int(phone),
            "city": fields.get("city", user.city), "district": fields.get("district", user.district),
            "name": fields.get("name", user.display_name), "ward": fields.get("ward", "")}
    return {"sender": {"id": user.user_id}, "recipient": {"id": app.oa_id}, "event_name": name,
            "app_id": app.app_id, "timestamp": ts, "info": info}


def user_scoped(name, app: App, user: User, fields: dict, ts: str) -> dict:
    """user_click_chatnow and user_withdraw: oa_id and user_id at the top level."""
    return {"app_id": app.app_id, "event_name": name, "oa_id": app.oa_id, "user_id": user.user_id,
            "user_id_by_app": user.user_id_by_app, "timestamp": ts}


def zns_received(name, app: App, user: User | None, fields: dict, ts: str) -> dict:
    """The ZNS delivery event: recipient.id is the phone (or its hash), sent with X-ZEvent-Server: ZNS."""
    message = {"delivery_time": str(fields.get("delivery_time") or ts), "msg_id": fields.get("msg_id") or new_msg_id(),
               "tracking_id": fields.get("tracking_id", "")}
    recipient = fields.get("phone") or (user.phone if user else "")
    return {"app_id": app.app_id, "sender": {"id": app.oa_id}, "recipient": {"id": recipient},
            "event_name": "user_received_message", "message": message, "timestamp": ts}


def zns_feedback(name, app: App, user, fields: dict, ts: str) -> dict:
    """A citizen rated with a ZNS rating template (Zalo's `user_feedback`, sent with X-ZEvent-Server: ZNS):
    the stars (`rate` 1-5), the remarks they ticked (`feedbacks`), a `note`, and the ZNS message's ids."""
    message = {"note": fields.get("note", ""), "rate": fields.get("rate", 5), "submit_time": ts,
               "msg_id": fields.get("msg_id") or new_msg_id(), "feedbacks": list(fields.get("feedbacks") or []),
               "tracking_id": fields.get("tracking_id", "")}
    return {"app_id": app.app_id, "oa_id": app.oa_id, "event_name": name, "message": message, "timestamp": ts}


def change_template_status(name, app: App, user, fields: dict, ts: str) -> dict:
    return {"oa_id": app.oa_id, "app_id": app.app_id, "event_name": name,
            "template_id": str(fields.get("template_id", "")),
            "status": {"prev_status": fields.get("prev_status", "PENDING_REVIEW"),
                       "new_status": fields.get("new_status", "ENABLE")},
            "reason": fields.get("reason", ""), "timestamp": ts}


BUILDERS = {
    **dict.fromkeys(USER_SEND, user_send),
    **dict.fromkeys(USER_SEND_GROUP, user_send_group),
    **dict.fromkeys(OA_SEND, oa_send),
    "follow": follow, "unfollow": follow,
    "user_received_message": receipt, "user_seen_message": receipt, "user_reacted_message": reacted,
    "oa_reacted_message": receipt,
    "user_submit_info": submit_info,
    "user_click_chatnow": user_scoped, "user_withdraw": user_scoped,
    "zns_user_received_message": zns_received,
    "user_feedback": zns_feedback,
    "change_template_status": change_template_status,
}


def build(name: str, app: App, user: User | None, fields: dict, ts: str) -> dict:
    """`zns_user_received_message` is the sandbox's name for the ZNS flavour of user_received_message."""
    if name not in BUILDERS:
        raise ValueError(f"unknown event_name {name!r}; known: {sorted(BUILDERS)}")
    return BUILDERS[name](name, app, user, fields, ts)
