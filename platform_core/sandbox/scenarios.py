"""What an event means for the sandbox's own state (docs/zalo-oa.md §9 item 19), and delayed work.

A citizen writing (`user_send_*`) or following counts as an interaction: it opens the 7-day cs window and a
new 8-in-48 h free-reply window (docs/zalo-oa.md §2). `follow`/`unfollow` flip `is_follower`; `user_submit_info`
stores the shared phone and address; receipts mark the OA's messages received or seen.
"""

import logging
import threading

from platform_core.sandbox import events
from platform_core.sandbox.phones import normalise_phone
from platform_core.sandbox.state import App, SandboxState, User

log = logging.getLogger(__name__)

INTERACTIONS = (*events.USER_SEND, "follow", "user_click_chatnow", "user_submit_info")


def resolve_user(state: SandboxState, app: App, fields: dict) -> User | None:
    """The OA-scoped user named by `user_id` (created if new: anyone may message an OA) or by `phone`."""
    if fields.get("user_id"):
        user = state.user(app.oa_id, str(fields["user_id"]))
        if user is None:
            user = state.add_user(oa_id=app.oa_id, user_id=str(fields["user_id"]),
                                  display_name=fields.get("display_name", "Người dùng Zalo"), is_follower=False)
        return user
    phone = normalise_phone(fields.get("phone"))
    return state.user_by_phone(app.oa_id, phone) if phone else None


def before_event(state: SandboxState, name: str, app: App, fields: dict) -> User | None:
    user = resolve_user(state, app, fields)
    if user is None and name in events.NEEDS_USER:
        raise ValueError(f"{name} needs a user_id (or the phone of a seeded user)")
    now = state.clock.now_ms()
    with state.lock:
        if name in INTERACTIONS:
            user.last_interaction_ms = now
        if name in ("follow", "unfollow"):
            user.is_follower = name == "follow"
        if name == "user_submit_info":
            user.phone = normalise_phone(fields.get("phone")) or user.phone
            user.address = fields.get("address", user.address)
        _mark_receipts(state, name, fields, now)
    return user


def _mark_receipts(state: SandboxState, name: str, fields: dict, now: int) -> None:
    ids = fields.get("msg_ids") or ([fields["msg_id"]] if fields.get("msg_id") else [])
    status = {"user_received_message": "received", "zns_user_received_message": "received",
              "user_seen_message": "seen"}.get(name)
    for msg_id in ids if status else ():
        message = state.messages.get(msg_id)
        if message is not None and message.status != "seen":
            message.status = status
            message.delivery_ms = message.delivery_ms or now


def after_event(state: SandboxState, name: str, app: App, user: User | None, body: dict, hidden: bool = False) -> None:
    """Keep what the citizen 'wrote' in the conversation, for the phone view and conversation tests; `hidden`
    (an `oa.query.hide` button tapped) is kept but not shown, as Zalo sends it without showing it."""
    if name in events.USER_SEND or name == "user_submit_info":
        state.record_message(message_id=body.get("message", {}).get("msg_id"), oa_id=app.oa_id,
                             user_id=user.user_id, kind="user" if name != "user_submit_info" else "user_info",
                             body=body.get("message") or body.get("info"), app_id=app.app_id, hidden=hidden)


def later(state: SandboxState, delay_s: float, work) -> None:
    """Run `work` after `delay_s` real seconds, unless the sandbox was reset in between."""
    generation = state.generation

    def run():
        if state.generation != generation:
            return
        try:
            work()
        except Exception:  # a background delivery must not kill the timer thread silently
            log.exception("sandbox background work failed")

    timer = threading.Timer(max(delay_s, 0), run)
    timer.daemon = True
    timer.start()
