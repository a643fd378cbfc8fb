"""Who may not be sent a message. A screen is asked twice for every delivery: when it is written (the outbox
refuses it at once, with the reason on the delivery) and just before each Zalo call (the sender refuses the
address Zalo would be given, since things may have changed while it waited). The first refusal wins.

The platform's own screen is trial mode (delivery/trial.py). Features add theirs at import time with
`register_screen` (citizens/screen.py: a citizen who stopped, or withdrew the message's purpose), together with
the plain explanation of each reason they store, which the deliveries page shows (delivery/errors_plain.py).
Screens are asked in `order` (trial first: a refusal there does not use up the day's cap).
"""

from collections.abc import Callable
from dataclasses import dataclass

from platform_core.delivery.states import fail


@dataclass(frozen=True)
class Screen:
    order: int
    at_write: Callable  # (delivery, notification) -> reason or None
    at_send: Callable  # (delivery, route) -> reason or None
    explanations: tuple = ()  # (reason, what happened, what to do), lazily translated
    at_send_many: Callable | None = None  # [(delivery, route)] -> [reason or None]: a batch in a few queries


_screens: dict[str, Screen] = {}


def register_screen(name: str, at_write: Callable, at_send: Callable, explanations: tuple = (),
                    order: int = 100, at_send_many: Callable | None = None) -> None:
    _screens[name] = Screen(order, at_write, at_send, explanations, at_send_many)


def _in_order() -> list[Screen]:
    return sorted(_screens.values(), key=lambda screen: screen.order)


def refuse_at_write(delivery, notification) -> bool:
    """Fail `delivery` when a screen refuses it; returns whether one did."""
    for screen in _in_order():
        reason = screen.at_write(delivery, notification)
        if reason:
            fail(delivery, None, reason)
            return True
    return False


def refusal_at_send(delivery, route) -> str | None:
    """The first screen's reason not to send `delivery` by `route`, or None."""
    for screen in _in_order():
        reason = screen.at_send(delivery, route)
        if reason:
            return reason
    return None


def refusals_at_send(pairs: list[tuple]) -> list[str | None]:
    """`refusal_at_send` for a whole batch of (delivery, route) pairs: each screen is asked once for all of
    them (`at_send_many`, or one by one for a screen that has no batch form)."""
    reasons: list[str | None] = [None] * len(pairs)
    for screen in _in_order():
        open_ = [n for n, reason in enumerate(reasons) if reason is None]
        if not open_:
            break
        asked = [pairs[n] for n in open_]
        answers = screen.at_send_many(asked) if screen.at_send_many else [screen.at_send(*pair) for pair in asked]
        for n, answer in zip(open_, answers, strict=True):
            reasons[n] = answer or None
    return reasons


def explanations() -> list[tuple]:
    return [explanation for screen in _screens.values() for explanation in screen.explanations]
