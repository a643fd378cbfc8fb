"""openapi.zalo.me in the sandbox: Zalo's article API and the article broadcast (docs/zalo-oa.md §2.1).

An article is created (`/v2.0/article/create` → a token), its id is read with the token (`/v2.0/article/verify`),
and `/v2.0/oa/message` with `recipient.target` sends it to every follower the target matches in one call: the
sandbox records one "article" message per reached follower, which their phone view shows. A body without a
target is a personal v2 send, shut down (-240).
"""

from platform_core.sandbox.calls import Call, Reply, zalo_error, zalo_ok
from platform_core.sandbox.openapi import oa_of, permission_error
from platform_core.sandbox.routing import Routes
from platform_core.sandbox.state import new_hex_id, new_id

routes = Routes("/openapi")

MAX_TITLE, MAX_AUTHOR, MAX_DESCRIPTION = 150, 50, 300
# recipient.target: each key a comma-separated list of codes (docs/zalo-oa.md §2.1).
TARGET_CODES = {"ages": set(range(8)), "gender": {0, 1, 2}, "locations": {0, 1, 2}, "platform": {1, 2, 3}}
USER_FIELD = {"ages": "age_group", "gender": "gender", "locations": "region"}


def _article_problem(body: dict) -> str | None:
    if body.get("type", "normal") != "normal":
        return "type is invalid"
    title, author, description = (str(body.get(key) or "") for key in ("title", "author", "description"))
    if not title or len(title) > MAX_TITLE:
        return "title is invalid"
    if not author or len(author) > MAX_AUTHOR:
        return "author is invalid"
    if not description or len(description) > MAX_DESCRIPTION:
        return "description is invalid"
    cover = body.get("cover")
    if not isinstance(cover, dict) or cover.get("cover_type") != "photo" or not cover.get("photo_url"):
        return "cover is invalid"
    items = body.get("body")
    if not isinstance(items, list) or not items or any(not isinstance(i, dict) or not i.get("type") for i in items):
        return "body is invalid"
    return None


@routes.post("/v2.0/article/create")
def create_article(call: Call) -> Reply:
    problem = permission_error(call, "article")
    if problem:
        return problem
    body = call.json()
    invalid = _article_problem(body)
    if invalid:
        return zalo_error(-201, invalid)
    article_id, token = new_hex_id(), new_hex_id()
    call.state.articles[article_id] = {**body, "id": article_id, "token": token, "oa_id": oa_of(call).oa_id,
                                       "status": body.get("status", "show"),
                                       "create_date": call.state.clock.now_ms()}
    return zalo_ok({"token": token})


@routes.post("/v2.0/article/verify")
def verify_article(call: Call) -> Reply:
    """The token from create → the article's id (Zalo processes articles asynchronously; the sandbox at once)."""
    problem = permission_error(call, "article")
    if problem:
        return problem
    article = _article_by(call, token=str(call.json().get("token") or ""))
    if article is None:
        return zalo_error(-201, "token is invalid")
    return zalo_ok({"id": article["id"]})


@routes.get("/v2.0/article/getdetail")
def article_detail(call: Call) -> Reply:
    problem = permission_error(call, "article")
    if problem:
        return problem
    article = _article_by(call, article_id=str(call.args.get("id") or ""))
    if article is None:
        return zalo_error(-201, "id is invalid")
    return zalo_ok({key: article.get(key) for key in ("id", "type", "title", "author", "description", "status",
                                                       "cover", "body", "create_date")})


def _article_by(call: Call, token: str = "", article_id: str = "") -> dict | None:
    oa_id = call.caller.app.oa_id
    return next((a for a in call.state.articles.values() if a["oa_id"] == oa_id
                 and ((token and a["token"] == token) or (article_id and a["id"] == article_id))), None)


@routes.post("/v2.0/oa/message")
def v2_message(call: Call) -> Reply:
    recipient = call.json().get("recipient")
    if not isinstance(recipient, dict) or "target" not in recipient:
        return zalo_error(-240, "The v2 message API has been shut down, please use the v3 message API")
    return _broadcast(call, recipient["target"])


def _broadcast(call: Call, target) -> Reply:
    problem = permission_error(call, "send_message")
    if problem:
        return problem
    if not oa_of(call).broadcast_allowed:
        return zalo_error(-224, "Official Account package does not support this feature")
    wanted = _parsed_target(target)
    if wanted is None:
        return zalo_error(-201, "target is invalid")
    article_id = _broadcast_article_id(call.json().get("message"))
    if _article_by(call, article_id=article_id) is None:
        return zalo_error(-201, "attachment_id is invalid")
    sandbox, app = call.state, call.caller.app
    reached = [user for user in sandbox.users_of(app.oa_id)
               if user.is_follower and not user.banned and _matches(user, wanted)]
    for user in reached:
        sandbox.record_message(oa_id=user.oa_id, user_id=user.user_id, kind="article", body=call.json(),
                               app_id=app.app_id)
    return zalo_ok({"message_id": new_id(19)})


def _broadcast_article_id(message) -> str:
    """message.attachment: template "media" with one element {media_type: "article", attachment_id}."""
    attachment = message.get("attachment") if isinstance(message, dict) else None
    payload = attachment.get("payload") if isinstance(attachment, dict) else None
    if not isinstance(payload, dict) or payload.get("template_type") != "media":
        return ""
    elements = payload.get("elements") or [{}]
    element = elements[0] if isinstance(elements[0], dict) else {}
    return str(element.get("attachment_id") or "") if element.get("media_type") == "article" else ""


def _parsed_target(target) -> dict | None:
    """{key: set of codes}; None when a key or a code is not Zalo's. `cities` replaces `locations`."""
    if not isinstance(target, dict):
        return None
    wanted = {}
    for key, value in target.items():
        try:
            codes = {int(code) for code in str(value).split(",") if code.strip()}
        except ValueError:
            return None
        if key == "cities":
            wanted["cities"] = {str(code) for code in codes}
        elif key in TARGET_CODES and codes <= TARGET_CODES[key]:
            wanted[key] = codes
        else:
            return None
    if "cities" in wanted:
        wanted.pop("locations", None)
    if 0 in wanted.get("gender", ()):
        wanted.pop("gender")  # 0: every gender
    return wanted


def _matches(user, wanted: dict) -> bool:
    """A follower Zalo knows nothing about on a key is not reached by a target that names that key."""
    for key, codes in wanted.items():
        if key == "cities":
            if user.city_code not in codes:
                return False
        elif key in USER_FIELD and getattr(user, USER_FIELD[key]) not in codes:
            return False
    return True
