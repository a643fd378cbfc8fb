"""After a successful send: the echo and the delivery receipts Zalo would fire (docs/zalo-oa.md §9 items 3, 13 and 19).

Off by default in tests (`settings.receipt_delay_ms` None, `echo_sends` False) so a test only gets the
webhooks it asked for; the demo seed turns them on.
"""

from platform_core.sandbox import webhooks
from platform_core.sandbox.scenarios import later
from platform_core.sandbox.state import App, Message, SandboxState


def after_send(state: SandboxState, app: App, message: Message) -> None:
    settings = state.settings
    if settings.echo_sends and message.kind == "cs" and message.body.get("message", {}).get("text"):
        later(state, 0, lambda: webhooks.emit(state, "oa_send_text", app.app_id, {
            "user_id": message.user_id, "msg_id": message.message_id, "text": message.body["message"]["text"]}))
    if settings.receipt_delay_ms is None:
        return
    later(state, settings.receipt_delay_ms / 1000, lambda: _receive(state, app, message))


def _receive(state: SandboxState, app: App, message: Message) -> None:
    if message.kind == "zns":
        webhooks.emit(state, "zns_user_received_message", app.app_id, {
            "phone": message.user_id, "msg_id": message.message_id, "tracking_id": message.tracking_id,
            "delivery_time": state.clock.now_ms()})
        return
    fields = {"user_id": message.user_id, "msg_id": message.message_id}
    webhooks.emit(state, "user_received_message", app.app_id, fields)
    if state.settings.seen_after_receipt:
        webhooks.emit(state, "user_seen_message", app.app_id, {"user_id": message.user_id,
                                                                "msg_ids": [message.message_id]})
