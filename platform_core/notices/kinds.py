"""The kinds of dossier notice: which dossier events tell the citizen something, and under what name."""

from flask_babel import lazy_gettext as _l

from platform_core.dossiers.constants import (
    EVENT_APOLOGY,
    RECEIVED,
    REFUSED,
    RESULT_READY,
    RETURNED,
    STOPPED,
    SUPPLEMENT_REQUIRED,
)
from platform_core.dossiers.state import RESTRICTED_FIELDS
from platform_core.notices.context import CONTEXT_FIELDS

# Which dossier events tell the citizen something (docs/domain.md §8.2 "Notifications: 2, 5, 6, apology, 9/10, 3/8").
EVENT_KINDS = {
    RECEIVED: "received",
    SUPPLEMENT_REQUIRED: "supplement_required",
    RESULT_READY: "result_ready",
    RETURNED: "returned",
    REFUSED: "refused",
    STOPPED: "stopped",
}

# What each message is for, as the editor names it: (label, when it is sent), in MESSAGE_KINDS order.
KINDS = {
    "received": (_l("Dossier received"), _l("Sent when the desk accepts a dossier.")),
    "supplement_required": (_l("More documents needed"),
                            _l("Sent when the citizen must add or complete documents.")),
    "result_ready": (_l("Result ready"), _l("Sent when the result can be collected.")),
    "returned": (_l("Result handed over"), _l("Sent when the result has been handed to the citizen.")),
    "refused": (_l("Not accepted"), _l("Sent when a dossier is not accepted, with the reason.")),
    "stopped": (_l("Processing stopped"), _l("Sent when processing stops, for example after a withdrawal.")),
    "apology": (_l("Apology and new appointment"), _l("Sent when a result will be late, with the new date.")),
}

# Every kind has a template (tenants/_defaults/messages.vi.yaml holds all of them).
MESSAGE_KINDS = (*EVENT_KINDS.values(), EVENT_APOLOGY)


def event_kind_for(event) -> str | None:
    if event.kind == EVENT_APOLOGY:
        return EVENT_APOLOGY
    return EVENT_KINDS.get(event.to_status)


# The context fields that come from an event's own data (notices/context.py), by the event's field.
_EVENT_VALUES = {"missing_documents": "giay_to_can_bo_sung", "new_due_at": "ngay_hen_moi", "reason": "ly_do"}


def fields_of_kind(kind: str) -> list[str]:
    """The fields the editor offers for `kind`: every context field but those filled by data only another event
    may carry (the missing documents of a supplement request, an apology's new date: dossiers/state.py). A
    template may still name any field; the others are simply empty for this event."""
    event = {name: status for status, name in EVENT_KINDS.items()}.get(kind, kind)
    elsewhere = {_EVENT_VALUES[field] for field, owner in RESTRICTED_FIELDS.items() if owner != event}
    return [name for name in CONTEXT_FIELDS if name not in elsewhere]
