"""openapi.zalo.me: sending to a UID, quotas, users, OA info, uploads (docs/zalo-oa.md §2, §4; §9 items 3-12).

Authentication, faults and the rate limit happen before these views (pipeline.py); `call.caller` is the app
whose token was presented, so every call is confined to that app's OA.
"""

import os
from datetime import datetime

from platform_core.sandbox import receipts, validation
from platform_core.sandbox.calls import Call, Reply, zalo_error, zalo_ok
from platform_core.sandbox.clock import VIETNAM
from platform_core.sandbox.routing import Routes
from platform_core.sandbox.state import new_hex_id

routes = Routes("/openapi")

DAY_MS = 24 * 3600 * 1000
CS_WINDOW_MS = 7 * DAY_MS
FREE_REPLY_WINDOW_MS = 2 * DAY_MS
FREE_REPLIES = 8
TRANSACTION_WINDOW_MS = 365 * DAY_MS
PROMOTION_DAILY_CAP = 500
MAX_LIST_COUNT, MAX_LIST_OFFSET = 50, 9951  # user/getlist: 50 a page, 10,001 users at most (docs/zalo-oa.md §4)
UPLOADS = {"image": ({".jpg", ".jpeg", ".png"}, 1 * 1024 * 1024, "attachment_id"),
           "gif": ({".gif"}, 5 * 1024 * 1024, "attachment_id"),
           "file": ({".pdf", ".doc", ".docx"}, 5 * 1024 * 1024, "token")}


def oa_of(call: Call):
    return call.state.oas.get(call.caller.app.oa_id)


def permission_error(call: Call, permission: str) -> Reply | None:
    """-205 when the app's OA is gone, -223 when the OA did not grant this permission group."""
    if oa_of(call) is None:
        return zalo_error(-205, "Official Account does not exist")
    if permission not in call.caller.app.permissions:
        return zalo_error(-223, "Official Account has not granted this API to the application")
    return None


def _recipient(call: Call):
    recipient = call.json().get("recipient")
    user_id = recipient.get("user_id") if isinstance(recipient, dict) else None
    return call.state.user(call.caller.app.oa_id, str(user_id)) if user_id else None


def _send_preamble(call: Call):
    """(user, None) or (None, error reply): the checks every v3 send shares."""
    problem = permission_error(call, "send_message")
    if problem:
        return None, problem
    user = _recipient(call)
    if user is None:
        return None, zalo_error(-201, "user_id is invalid!")
    if user.banned:
        return None, zalo_error(-227, "User has been banned or has been inactive for more than 45 days")
    if user.blocked:
        return None, zalo_error(-244, "User has restricted receiving this type of message from the OA")
    return user, None


def _sent(call: Call, user, kind: str, quota: dict | None = None) -> Reply:
    message = call.state.record_message(oa_id=user.oa_id, user_id=user.user_id, kind=kind, body=call.json(),
                                        app_id=call.caller.app.app_id)
    data = {"message_id": message.message_id, "user_id": user.user_id}
    if quota:
        data["quota"] = quota
    receipts.after_send(call.state, call.caller.app, message)
    return zalo_ok(data)


# --- sends ----------------------------------------------------------------------------------------------------

@routes.post("/v3.0/oa/message/cs")
def send_cs(call: Call) -> Reply:
    sandbox, body = call.state, call.json()
    user, problem = _send_preamble(call)
    if problem:
        return problem
    now = sandbox.clock.now_ms()
    invalid = validation.check_cs_message(body.get("message"), sandbox.attachments, now,
                                          sandbox.settings.attachment_ttl_s)
    if invalid:
        return zalo_error(*invalid)
    if user.last_interaction_ms is None:
        return zalo_error(-232, "User has not interacted with the OA")
    if now - user.last_interaction_ms > CS_WINDOW_MS:
        return zalo_error(-230, "User has not interacted with the OA in the last 7 days")
    return _sent(call, user, "cs", _take_free_reply(sandbox, user, now))


def _take_free_reply(sandbox, user, now: int) -> dict | None:
    """The first 8 replies within 48 h of the user's last interaction are free; after that: paid, no quota."""
    with sandbox.lock:
        if now - user.last_interaction_ms > FREE_REPLY_WINDOW_MS:
            return None
        if user.cs_window_start_ms != user.last_interaction_ms:
            user.cs_window_start_ms, user.cs_free_used = user.last_interaction_ms, 0
        if user.cs_free_used >= FREE_REPLIES:
            return None
        user.cs_free_used += 1
        return {"quota_type": "reply", "remain": str(FREE_REPLIES - user.cs_free_used), "total": str(FREE_REPLIES)}


@routes.post("/v3.0/oa/message/transaction")
def send_transaction(call: Call) -> Reply:
    sandbox, body = call.state, call.json()
    user, problem = _send_preamble(call)
    if problem:
        return problem
    invalid = validation.check_template_message(body.get("message"), promotion=False)
    if invalid:
        return zalo_error(*invalid)
    last = user.last_interaction_ms
    if last is None or sandbox.clock.now_ms() - last > TRANSACTION_WINDOW_MS:
        return zalo_error(-232, "User has not interacted with the OA or the interaction has expired")
    return _sent(call, user, "transaction")


@routes.post("/v3.0/oa/message/promotion")
def send_promotion(call: Call) -> Reply:
    """Followers only (-213), 06:00-21:59 (-234), 1 per user per day (-218), 500 requests per OA per day (-211)."""
    sandbox, body = call.state, call.json()
    user, problem = _send_preamble(call)
    if problem:
        return problem
    invalid = validation.check_template_message(body.get("message"), promotion=True)
    if invalid:
        return zalo_error(*invalid)
    if not user.is_follower:
        return zalo_error(-213, "User has not followed the OA")
    if sandbox.clock.is_night():
        return zalo_error(-234, "This message type cannot be sent between 22:00 and 06:00")
    day = sandbox.clock.day_key()
    with sandbox.lock:
        requests_today = sandbox.promotion_requests.get((user.oa_id, day), 0)
        if requests_today >= _promotion_cap(call):
            return zalo_error(-211, "Out of quota")
        if user.promotions.get(day, 0) >= 1:
            return zalo_error(-218, "User has reached the limit of received messages of this type")
        sandbox.promotion_requests[(user.oa_id, day)] = requests_today + 1
        user.promotions[day] = user.promotions.get(day, 0) + 1
    return _sent(call, user, "promotion")


def _promotion_cap(call: Call) -> int:
    sandbox = call.state
    if sandbox.settings.promotion_daily_cap is not None:
        return sandbox.settings.promotion_daily_cap
    followers = sandbox.follower_count(oa_of(call))
    return PROMOTION_DAILY_CAP if followers <= 10_000 else followers * 5 // 100


@routes.route("/v2.0/oa/message/{rest:.*}", methods=("GET", "POST"))
def retired_v2_send(call: Call) -> Reply:
    """Personal sends on v2 are shut down; `/v2.0/oa/message` itself is the article broadcast (articles.py)."""
    return zalo_error(-240, "The v2 message API has been shut down, please use the v3 message API")


# --- quota, users, OA ------------------------------------------------------------------------------------------

@routes.post("/v3.0/oa/quota/message")
def message_quota(call: Call) -> Reply:
    sandbox, body = call.state, call.json()
    if body.get("quota_owner"):
        return zalo_ok(_quota_assets(body))
    user = sandbox.user(call.caller.app.oa_id, str(body.get("user_id", "")))
    if user is None:
        return zalo_error(-201, "user_id is invalid!")
    return zalo_ok(_user_quota(sandbox, user))


def _user_quota(sandbox, user) -> dict:
    now, day = sandbox.clock.now_ms(), sandbox.clock.day_key()
    in_window = user.last_interaction_ms is not None and now - user.last_interaction_ms <= FREE_REPLY_WINDOW_MS
    used = user.cs_free_used if in_window and user.cs_window_start_ms == user.last_interaction_ms else 0
    sent_today = user.promotions.get(day, 0)
    return {"last_interaction": user.last_interaction_ms,
            "cs_reply": {"remain": (FREE_REPLIES - used) if in_window else 0, "total": FREE_REPLIES},
            "promotion": {"daily_remain": max(1 - sent_today, 0), "daily_total": 1,
                          "monthly_remain": 4 - min(sent_today, 4), "monthly_total": 4}}


def _quota_assets(body: dict) -> list:
    owner = body["quota_owner"]
    return [{"asset_id": f"{owner.lower()}-sub-quota", "product_type": body.get("product_type", "cs"),
             "quota_type": body.get("quota_type", "sub_quota"), "quota_owner": owner,
             "total": 2000, "remain": 2000, "status": "available"}]


@routes.get("/v3.0/oa/user/detail")
def user_detail(call: Call) -> Reply:
    problem = permission_error(call, "manage_user")
    if problem:
        return problem
    data = call.query_data()
    user = call.state.user(call.caller.app.oa_id, str((data or {}).get("user_id", "")))
    if user is None:
        return zalo_error(-201, "user_id is invalid!")
    return zalo_ok(profile(user))


def profile(user) -> dict:
    """The fields of /v3.0/oa/user/detail (docs/zalo-oa.md §4)."""
    last = user.last_interaction_ms
    last_date = datetime.fromtimestamp(last / 1000, tz=VIETNAM).strftime("%d/%m/%Y") if last else ""
    avatar = f"https://s120-ava-talk.zadn.vn/sandbox/{user.user_id}.jpg"
    return {"user_id": user.user_id, "user_id_by_app": user.user_id_by_app, "user_external_id": "",
            "display_name": user.display_name, "user_alias": "", "is_sensitive": False,
            "user_last_interaction_date": last_date, "user_is_follower": user.is_follower, "avatar": avatar,
            "avatars": {"120": avatar, "240": avatar.replace("s120", "s240")},
            "tags_and_notes_info": {"notes": [], "tag_names": list(user.tags)},
            "shared_info": {"address": user.address, "city": user.city, "district": user.district,
                            "phone": user.phone, "name": user.display_name}}


@routes.get("/v3.0/oa/user/getlist")
def user_list(call: Call) -> Reply:
    problem = permission_error(call, "manage_user")
    if problem:
        return problem
    data = call.query_data()
    if data is None:
        return zalo_error(-201, "data is invalid")
    offset, count = int(data.get("offset", 0)), int(data.get("count", 15))
    if count > MAX_LIST_COUNT:
        return zalo_error(-210, "count exceeds the limit")
    if offset > MAX_LIST_OFFSET:
        return zalo_error(-210, "offset exceeds the limit")
    users = [u for u in call.state.users_of(call.caller.app.oa_id) if _listed(u, data)]
    page = users[offset:offset + count]
    return zalo_ok({"total": len(users), "count": len(page), "offset": offset,
                    "users": [{"user_id": u.user_id} for u in page]})


def _listed(user, data: dict) -> bool:
    if "is_follower" in data and bool(data["is_follower"]) != user.is_follower:
        return False
    return not data.get("tag_name") or data["tag_name"] in user.tags


@routes.get("/v2.0/oa/getoa")
def get_oa(call: Call) -> Reply:
    """Both `oa_id` and `oaid`: the docs' table and example disagree (docs/zalo-oa.md §4), clients must cope."""
    oa = oa_of(call)
    if oa is None:
        return zalo_error(-205, "Official Account does not exist")
    avatar = f"https://s160-ava-talk.zadn.vn/sandbox/oa-{oa.oa_id}.jpg"
    return zalo_ok({"oa_id": oa.oa_id, "oaid": oa.oa_id, "name": oa.name, "description": oa.description,
                    "oa_alias": "", "is_verified": oa.is_verified, "oa_type": oa.oa_type,
                    "cate_name": "Cơ quan nhà nước" if oa.oa_type == 4 else "Doanh nghiệp",
                    "num_follower": call.state.follower_count(oa), "avatar": avatar, "cover": avatar})


# --- uploads ---------------------------------------------------------------------------------------------------

@routes.post("/v2.0/oa/upload/{kind}")
def upload(call: Call) -> Reply:
    """jpg/png <= 1 MB -> attachment_id; pdf/doc/docx <= 5 MB -> token (docs/zalo-oa.md §4)."""
    kind = call.params["kind"]
    if kind not in UPLOADS:
        return zalo_error(-201, "upload type is invalid")
    extensions, max_bytes, key = UPLOADS[kind]
    file = call.files.get("file")
    if file is None or os.path.splitext(file.filename or "")[1].lower() not in extensions:
        return zalo_error(-201, "file is invalid")
    content = file.read()
    if len(content) > max_bytes:
        return zalo_error(-210, "file size exceeds the limit")
    value = new_hex_id()
    sandbox = call.state
    with sandbox.lock:  # a file's bytes are kept so that the phone view can open what the citizen received
        sandbox.attachments[value] = {"kind": "file" if kind == "file" else "image", "name": file.filename,
                                      "size": len(content), "content": content if kind == "file" else None,
                                      "created_ms": sandbox.clock.now_ms(), "app_id": call.caller.app.app_id}
    return zalo_ok({key: value})


# --- conversations (optional in the spec, item 11) ------------------------------------------------------------

@routes.get("/v2.0/oa/listrecentchat")
def recent_chats(call: Call) -> Reply:
    """The latest message of each conversation, newest first, at most 10 per call."""
    return _message_page(call, lambda m: True, latest_per_user=True)


@routes.get("/v2.0/oa/conversation")
def conversation(call: Call) -> Reply:
    data = call.query_data() or {}
    user_id = str(data.get("user_id", ""))
    if call.state.user(call.caller.app.oa_id, user_id) is None:
        return zalo_error(-201, "user_id is invalid!")
    return _message_page(call, lambda m: m.user_id == user_id)


def _message_page(call: Call, keep, latest_per_user: bool = False) -> Reply:
    data = call.query_data()
    if data is None:
        return zalo_error(-201, "data is invalid")
    offset, count = int(data.get("offset", 0)), int(data.get("count", 10))
    if count > 10:
        return zalo_error(-210, "count exceeds the limit")
    sandbox, oa_id = call.state, call.caller.app.oa_id
    with sandbox.lock:
        found = sorted((m for m in sandbox.messages.values() if m.oa_id == oa_id and m.kind != "zns" and keep(m)),
                       key=lambda m: (m.sent_ms, m.seq), reverse=True)
    if latest_per_user:
        found = list({m.user_id: m for m in reversed(found)}.values())[::-1]
    return zalo_ok([_chat_item(sandbox, m) for m in found[offset:offset + count]])


def _chat_item(sandbox, message) -> dict:
    """src 0: OA -> user, 1: user -> OA (docs/zalo-oa.md §4)."""
    from_user = message.kind.startswith("user")
    oa_id, user = message.oa_id, sandbox.user(message.oa_id, message.user_id)
    name = user.display_name if user else ""
    body = message.body.get("message", message.body) if not from_user else message.body
    return {"src": 1 if from_user else 0, "time": message.sent_ms, "type": "text" if body.get("text") else "template",
            "message": body.get("text", ""), "message_id": message.message_id,
            "from_id": message.user_id if from_user else oa_id, "to_id": oa_id if from_user else message.user_id,
            "from_display_name": name if from_user else "", "to_display_name": "" if from_user else name}
