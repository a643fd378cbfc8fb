"""A follower import as the console shows it: its state in words, why it failed in plain language, how far it
got. `as_status` is also the page's JSON progress (the polling script reloads the page when `state` changes)."""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from platform_core.zalo.client import MAX_LISTABLE_FOLLOWERS
from platform_core.zalo.constants import IMPORT_DONE, IMPORT_FAILED, IMPORT_QUEUED, IMPORT_RUNNING
from platform_core.zalo.errors import Family, classify
from platform_core.zalo.follower_import import (
    ERROR_INTERRUPTED,
    ERROR_NOT_CONNECTED,
    ERROR_NOT_QUEUED,
    ERROR_UNREACHABLE,
)
from platform_core.zalo.models import FollowerImport

STATE_LABELS = {
    IMPORT_QUEUED: _l("Waiting for a worker"),
    IMPORT_RUNNING: _l("Importing"),
    IMPORT_DONE: _l("Finished"),
    IMPORT_FAILED: _l("Failed"),
}
TRIGGER_LABELS = {
    "connect": _l("on connecting the OA"),
    "console": _l("started from the console"),
    "nightly": _l("nightly"),
}
REASONS = {
    ERROR_INTERRUPTED: _l("The import stopped half way (its worker was restarted). Start it again: followers "
                          "already imported are kept."),
    ERROR_NOT_QUEUED: _l("The import could not be handed to a worker (the job queue is not answering). "
                         "Try again in a few minutes."),
    ERROR_UNREACHABLE: _l("Zalo could not be reached or gave an abnormal answer. The import runs again tonight; "
                          "you can also start it now."),
    ERROR_NOT_CONNECTED: _l("The Zalo OA is not connected, or must be reconnected, so Zalo would not list its "
                            "followers."),
}


def reason(error: str | None) -> str | None:
    """The failure in plain words; a Zalo refusal (`zalo:<code>`) as the error table explains that code."""
    if not error:
        return None
    if error.startswith("zalo:"):
        info = classify(Family.OA, int(error.removeprefix("zalo:")))
        return str(_l("Zalo refused to list the followers: %(reason)s", reason=info.vi if _vietnamese() else info.en))
    return str(REASONS.get(error, error))


def percent(follower_import: FollowerImport) -> int:
    """How far through what the list can serve (a capped OA reaches 100 % at 10,001)."""
    if follower_import.state == IMPORT_DONE:
        return 100
    listable = min(follower_import.total or 0, MAX_LISTABLE_FOLLOWERS)
    return min(99, follower_import.seen * 100 // listable) if listable else 0


def as_status(follower_import: FollowerImport | None) -> dict:
    if follower_import is None:
        return {"state": "none"}
    return {
        "state": follower_import.state,
        "label": str(STATE_LABELS.get(follower_import.state, follower_import.state)),
        "trigger": str(TRIGGER_LABELS.get(follower_import.trigger, follower_import.trigger)),
        "seen": follower_import.seen,
        "new": follower_import.new,
        "total": follower_import.total,
        "percent": percent(follower_import),
        "capped": follower_import.capped,
        "listable": MAX_LISTABLE_FOLLOWERS,
        "reason": reason(follower_import.error),
    }


def _vietnamese() -> bool:
    return str(get_locale() or "vi").startswith("vi")
