"""The phone view: a citizen's Zalo screen for demos and manual testing (docs/sandbox.md, "The phone view").

`GET /` lists the OAs and their citizens; `/phone/<oa_id>/<user_id>` shows one conversation. The forms act
as the citizen: each one fires the signed webhook Zalo would send (user_send_text, follow/unfollow,
user_submit_info, user_seen_message), so the product sees exactly what a real phone would cause.
"""

import re
from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, send_from_directory, url_for
from markupsafe import Markup, escape

from platform_core.sandbox import conversation, webhooks
from platform_core.sandbox.common import state
from platform_core.sandbox.phones import local_format

phone_bp = Blueprint("sandbox_phone", __name__)
# The product's vendored Pico (platform_core/static/vendor/README.md), served from where it is: one copy, no
# symbolic link (a link checked out as a plain file on some systems left the sandbox's pages unstyled).
PICO_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "pico"
_URL = re.compile(r"https?://[^\s<>\"“”]+[^\s<>\"“”.,;:!?)\]]")


@phone_bp.app_template_filter("local_phone")
def local_phone(phone: str) -> str:
    return local_format(phone)


@phone_bp.app_template_filter("linkify")
def linkify(text: str) -> Markup:
    """The text escaped, its web addresses made links that open in a new tab, as Zalo makes them tappable."""
    parts, last = [], 0
    for match in _URL.finditer(text or ""):
        url = match.group(0)
        parts += [escape(text[last:match.start()]),
                  Markup('<a href="{0}" target="_blank" rel="noopener">{0}</a>').format(url)]
        last = match.end()
    parts.append(escape((text or "")[last:]))
    return Markup("").join(parts)


@phone_bp.get("/vendor/pico.min.css")
def pico():
    return send_from_directory(PICO_DIR, "pico.min.css", mimetype="text/css")


@phone_bp.get("/")
def index():
    sandbox = state()
    provinces = [{"app": app, "oa": sandbox.oas.get(app.oa_id),
                  "users": sorted(sandbox.users_of(app.oa_id), key=lambda u: u.display_name)}
                 for app in sandbox.apps.values()]
    return render_template("index.html", provinces=provinces, clock=sandbox.clock.describe(),
                           base_url=request.host_url.rstrip("/"))


def _citizen(oa_id: str, user_id: str):
    sandbox = state()
    user, app = sandbox.user(oa_id, user_id), sandbox.app_for_oa(oa_id)
    if user is None or app is None:
        abort(404)
    return sandbox, app, user


def _bubbles(sandbox, user) -> list[dict]:
    return [conversation.bubble(sandbox, m) for m in conversation.messages_for(sandbox, user)]


@phone_bp.get("/phone/<oa_id>/<user_id>")
def phone(oa_id: str, user_id: str):
    sandbox, app, user = _citizen(oa_id, user_id)
    delivery = _delivery(request.args.get("delivery", type=int))
    return render_template("phone.html", app=app, oa=sandbox.oas[oa_id], user=user, delivery=delivery,
                           bubbles=_bubbles(sandbox, user), refresh_ms=sandbox.settings.phone_refresh_ms)


@phone_bp.get("/phone/<oa_id>/<user_id>/conversation")
def conversation_fragment(oa_id: str, user_id: str):
    """The conversation alone, for the page's small polling script."""
    sandbox, _, user = _citizen(oa_id, user_id)
    return render_template("_conversation.html", bubbles=_bubbles(sandbox, user), oa_id=oa_id, user=user)


@phone_bp.get("/phone/<oa_id>/<user_id>/files/<token>")
def open_file(oa_id: str, user_id: str, token: str):
    """A file the OA sent this citizen (a file message), as tapping it in Zalo opens it."""
    sandbox, _, user = _citizen(oa_id, user_id)
    sent = any(conversation.file_token(m) == token for m in conversation.messages_for(sandbox, user))
    upload = sandbox.attachments.get(token) if sent else None
    if upload is None or upload.get("content") is None:
        abort(404)
    return Response(upload["content"], mimetype="application/pdf" if upload["name"].lower().endswith(".pdf")
                    else "application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{upload["name"]}"'})


def _delivery(delivery_id: int | None) -> dict | None:
    sandbox = state()
    with sandbox.lock:
        return next((dict(d) for d in sandbox.deliveries if d["id"] == delivery_id), None)


def _act(oa_id: str, user_id: str, event: str, **fields):
    sandbox, app, user = _citizen(oa_id, user_id)
    record = webhooks.emit(sandbox, event, app.app_id, {"user_id": user.user_id, **fields})
    return redirect(url_for("sandbox_phone.phone", oa_id=oa_id, user_id=user_id, delivery=record["id"]))


@phone_bp.post("/phone/<oa_id>/<user_id>/send")
def send_text(oa_id: str, user_id: str):
    text = request.form.get("text", "").strip()
    if not text:
        return redirect(url_for("sandbox_phone.phone", oa_id=oa_id, user_id=user_id))
    return _act(oa_id, user_id, "user_send_text", text=text)


@phone_bp.post("/phone/<oa_id>/<user_id>/tap")
def tap_button(oa_id: str, user_id: str):
    """An `oa.query.show` / `oa.query.hide` button: Zalo sends its payload back as a user_send_text, shown in the
    chat as the citizen's message for `show` only (docs/zalo-oa.md §2, button action types)."""
    return _act(oa_id, user_id, "user_send_text", text=request.form.get("payload", ""),
                hidden=request.form.get("type") == "oa.query.hide")


@phone_bp.post("/phone/<oa_id>/<user_id>/follow")
def follow(oa_id: str, user_id: str):
    event = "unfollow" if request.form.get("action") == "unfollow" else "follow"
    return _act(oa_id, user_id, event, source="oa_profile")


@phone_bp.post("/phone/<oa_id>/<user_id>/share")
def share_info(oa_id: str, user_id: str):
    fields = {key: request.form[key] for key in ("phone", "address", "city", "district", "ward", "name")
              if request.form.get(key)}
    return _act(oa_id, user_id, "user_submit_info", **fields)


@phone_bp.post("/phone/<oa_id>/<user_id>/seen")
def mark_seen(oa_id: str, user_id: str):
    sandbox, _, user = _citizen(oa_id, user_id)
    unseen = [m.message_id for m in conversation.messages_for(sandbox, user)
              if m.kind in ("cs", "transaction", "promotion") and m.status != "seen"]
    if not unseen:
        return redirect(url_for("sandbox_phone.phone", oa_id=oa_id, user_id=user_id))
    return _act(oa_id, user_id, "user_seen_message", msg_ids=unseen)
