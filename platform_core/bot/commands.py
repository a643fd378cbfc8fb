"""Commands other features teach the bot: "phản ánh …" (feedback), "dừng" (stop), a rating or an
acknowledgement sent back by a Zalo button, and so on. The lookup bot answers whatever no command claims.

A feature writes one function; platform_core/wiring.py registers it in its table of bot commands:

    def answer_feedback(message: CitizenMessage) -> str | None: ...
    register_command("feedback", answer_feedback, order=50)

Commands are asked in `order` (lower first, then by name); the first that returns a text has answered, and
that text goes back as the bot's reply (a consultation message through the outbox, idempotent on the event).
A command that has already written its own messages (a card with buttons, say) returns `HANDLED`.
Commands run inside the event's tenant and transaction, like the rest of event processing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from platform_core.zalo.models import Follower, ZaloEvent

HANDLED = ""  # "I answered with my own messages; send no text reply"


@dataclass(frozen=True)
class CitizenMessage:
    event: ZaloEvent
    body: dict
    follower: Follower
    text: str

    @property
    def zalo_user_id(self) -> str:
        return self.event.zalo_user_id

    @property
    def reply_key(self) -> str:
        return reply_key(self.event)


def reply_key(event: ZaloEvent) -> str:
    """The idempotency key of the reply to `event` (a redelivered event never answers twice)."""
    return f"bot:{event.event_key}"


Command = Callable[[CitizenMessage], str | None]
_commands: dict[str, tuple[int, Command]] = {}


def register_command(name: str, command: Command, order: int = 100) -> None:
    _commands[name] = (order, command)


def answer_command(message: CitizenMessage) -> str | None:
    """The first registered command's answer to `message`, or None when no command claims it."""
    for _order, _name, command in sorted((order, name, command) for name, (order, command) in _commands.items()):
        answer = command(message)
        if answer is not None:
            return answer
    return None
