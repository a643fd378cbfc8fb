"""business.openapi.zalo.me: ZNS template messages to a phone number (docs/zalo-oa.md §3; §9 items 13-15).

Checks run in the order a caller would fix them: phone, template, tracking id, data, then the OA's limits.
Every answer is `{"error", "message", "data"}` with HTTP 200; a bad token is -124 (pipeline.py).
"""

import re

from platform_core.sandbox import receipts
from platform_core.sandbox.calls import Call, Reply, json_reply, zalo_error, zalo_ok
from platform_core.sandbox.phones import normalise_phone, phone_hash
from platform_core.sandbox.routing import Routes

routes = Routes("/business")

STATUS_CODES = {"1": "ENABLE", "2": "PENDING_REVIEW", "3": "REJECT", "4": "DISABLE"}
_HASH = re.compile(r"[0-9a-f]{64}")
_NUMBER = re.compile(r"-?[\d.,]+")
_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2}(:\d{2})?)?")


@routes.post("/message/template")
def send_by_phone(call: Call) -> Reply:
    phone = normalise_phone(call.json().get("phone"))
    if phone is None:
        return zalo_error(-108, "Phone number is invalid")
    user = call.state.user_by_phone(call.caller.app.oa_id, phone)
    return _send(call, phone, user)


@routes.post("/message/template/hashphone")
@routes.post("/message/template/hash_phone")  # the REDAI SDK's spelling (docs/zalo-oa.md §3), tolerated
def send_by_hash(call: Call) -> Reply:
    hashed = str(call.json().get("hash_phone", "")).lower()
    if not _HASH.fullmatch(hashed):
        return zalo_error(-108, "Phone number is invalid")
    users = call.state.users_of(call.caller.app.oa_id)
    user = next((u for u in users if u.phone and phone_hash(u.phone) == hashed), None)
    return _send(call, hashed, user)


def _send(call: Call, recipient: str, user) -> Reply:
    sandbox, body, app = call.state, call.json(), call.caller.app
    oa = sandbox.oas.get(app.oa_id)
    template = sandbox.templates.get(str(body.get("template_id", "")))
    problem = _template_problem(template, oa) or _request_problem(body)
    problem = problem or _data_problem(template, body.get("template_data"))
    problem = problem or _delivery_problem(sandbox, template, oa, body, recipient, user)
    if problem:
        return zalo_error(*problem)
    development = body.get("mode") == "development"
    with sandbox.lock:
        day_key = (oa.oa_id, sandbox.clock.day_key())
        if not development and sandbox.zns_sent.get(day_key, 0) >= oa.zns_daily_quota:
            return zalo_error(-144, "OA has exceeded the daily quota for ZNS")
        sent_today = sandbox.zns_sent[day_key] = sandbox.zns_sent.get(day_key, 0) + (0 if development else 1)
    message = sandbox.record_message(oa_id=oa.oa_id, user_id=recipient, kind="zns", app_id=app.app_id,
                                     body=body, tracking_id=str(body["tracking_id"]))
    receipts.after_send(sandbox, app, message)
    data = {"msg_id": message.message_id, "sent_time": str(message.sent_ms)}
    if not development:
        data.update(sending_mode="1", quota={"dailyQuota": str(oa.zns_daily_quota),
                                             "remainingQuota": str(oa.zns_daily_quota - sent_today)})
    return zalo_ok(data)


def _template_problem(template, oa):
    if template is None or template.status == "DELETE":
        return -109, "Template id is invalid"
    if template.oa_ids and oa.oa_id not in template.oa_ids:
        return -117, "OA or app has no permission to use this template"
    if template.status != "ENABLE":
        return -131, "Template has not been approved"
    return None


def _request_problem(body: dict):
    if not body.get("tracking_id"):
        return -132, "tracking_id is invalid"
    if str(body.get("sending_mode", "1")) not in ("1", "3"):
        return -161, "sending_mode is invalid"
    if str(body.get("sending_mode", "1")) == "3":
        return -162, "sending_mode 3 is not allowed for this OA"
    return None


def _data_problem(template, data):
    """-1122 a required parameter missing, -1121 longer than maxLength, -1124 wrong type or format."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return -1124, "template_data is invalid"
    for param in template.list_params:
        name, value = param["name"], data.get(param["name"])
        if value is None or value == "":
            if param.get("require", True) and not param.get("acceptNull", False):
                return -1122, f"template_data.{name} is missing"
            continue
        if not isinstance(value, str | int | float) or not _type_ok(param.get("type", "STRING"), str(value)):
            return -1124, f"template_data.{name} has an invalid format"
        if len(str(value)) > int(param.get("maxLength", 10_000)):
            return -1121, f"template_data.{name} exceeds the maximum length"
        if len(str(value)) < int(param.get("minLength", 0)):
            return -1124, f"template_data.{name} is too short"
    return None


def _type_ok(kind: str, value: str) -> bool:
    kind = str(kind).upper()
    if kind in ("NUMBER", "CURRENCY"):
        return bool(_NUMBER.fullmatch(value))
    if kind == "DATE":
        return bool(_DATE.fullmatch(value))
    return True


def _delivery_problem(sandbox, template, oa, body: dict, recipient: str, user):
    if template.night_restricted and sandbox.clock.is_night():
        return -133, "This template cannot be sent between 22:00 and 06:00"
    if body.get("mode") == "development":
        admins = {normalise_phone(p) for p in oa.admin_phones}
        if recipient not in admins and not any(phone_hash(a) == recipient for a in admins if a):
            return -127, "Development mode can only send to the app's or OA's admins"
    if user is not None and not user.zns_reachable:
        return -114, "User cannot receive the message (inactive, opted out or outdated app)"
    return None


# --- read APIs ------------------------------------------------------------------------------------------------

@routes.get("/message/status")
def message_status(call: Call) -> Reply:
    """status -1: no such message, 0: pushed but not delivered, 1: delivered (with delivery_time)."""
    message = call.state.messages.get(call.args.get("message_id", ""))
    if message is None or message.kind != "zns" or message.oa_id != call.caller.app.oa_id:
        return zalo_ok({"status": -1, "delivery_time": None})
    delivered = message.status in ("received", "seen")
    return zalo_ok({"status": 1 if delivered else 0,
                    "delivery_time": str(message.delivery_ms) if delivered else None})


@routes.get("/message/quota")
def quota(call: Call) -> Reply:
    sandbox = call.state
    oa = sandbox.oas[call.caller.app.oa_id]
    sent = sandbox.zns_sent.get((oa.oa_id, sandbox.clock.day_key()), 0)
    return zalo_ok({"dailyQuota": str(oa.zns_daily_quota), "remainingQuota": str(oa.zns_daily_quota - sent),
                    "monthlyPromotionQuota": "0", "remainingMonthlyPromotionQuota": "0",
                    "estimatedNextMonthPromotionQuota": "0"})


def _visible_templates(call: Call):
    oa_id = call.caller.app.oa_id
    return [t for t in call.state.templates.values() if not t.oa_ids or oa_id in t.oa_ids]


@routes.get("/template/info/v2")
def template_info(call: Call) -> Reply:
    wanted = call.args.get("template_id", "")
    template = next((t for t in _visible_templates(call) if t.template_id == wanted), None)
    if template is None:
        return zalo_error(-109, "Template id is invalid")
    return zalo_ok({"templateId": template.template_id, "templateName": template.template_name,
                    "status": template.status, "listParams": template.list_params, "listButtons": template.buttons,
                    "timeout": 7200000, "previewUrl": f"{call.host_url}_fake/templates",
                    "templateQuality": "HIGH", "templateTag": template.template_tag, "price": template.price})


@routes.get("/template/all")
def template_all(call: Call) -> Reply:
    offset, limit = int(call.args.get("offset", 0)), int(call.args.get("limit", 100))
    if limit > 100 or offset < 0:
        return zalo_error(-132, "limit is invalid")
    wanted = STATUS_CODES.get(call.args.get("status", ""))
    found = [t for t in _visible_templates(call) if wanted is None or t.status == wanted]
    page = [{"templateId": t.template_id, "templateName": t.template_name, "createdTime": 0, "status": t.status,
             "templateQuality": "HIGH"} for t in found[offset:offset + limit]]
    return json_reply({"error": 0, "message": "Success", "data": page, "metadata": {"total": len(found)}})
