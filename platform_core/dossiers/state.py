"""The dossier state machine (docs/domain.md §8.2, constants.TRANSITIONS): how province systems name a status, which
moves are possible, what each kind of event must carry, and what a move changes on the dossier."""

from datetime import datetime

from platform_core.dossiers import clock
from platform_core.dossiers.constants import (
    EVENT_APOLOGY,
    RECEIVED,
    REFUSED,
    RESULT_READY,
    RETURNED,
    STATUS_CODES,
    STATUS_NAMES,
    STOPPED,
    SUBMITTED,
    SUPPLEMENT_REQUIRED,
    TERMINAL,
    TRANSITIONS,
)
from platform_core.dossiers.errors import TransitionRefused
from platform_core.errors import FieldError

# A dossier reaches us when the one-stop desk registers it; later statuses come as events.
INITIAL_STATUSES = (SUBMITTED, RECEIVED)
# An apology moves the appointment; once the result is signed there is nothing left to be late for.
NO_APOLOGY_AFTER = TERMINAL | {RESULT_READY}

# What an event must carry, by status (or EVENT_APOLOGY), and the fields only some events may carry.
REQUIRED_FIELDS = {
    SUPPLEMENT_REQUIRED: ("missing_documents",),
    REFUSED: ("reason",),
    STOPPED: ("reason",),
    EVENT_APOLOGY: ("new_due_at", "reason"),
}
RESTRICTED_FIELDS = {"missing_documents": SUPPLEMENT_REQUIRED, "new_due_at": EVENT_APOLOGY}


def parse_status(value) -> int | None:
    """A national status from its code (5 or "5") or its name ("supplement_required"), or None."""
    if isinstance(value, str):
        text = value.strip().lower()
        value = int(text) if text.isascii() and text.isdigit() else STATUS_CODES.get(text)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if value in STATUS_NAMES else None


def name_of(status: int | str) -> str:
    return STATUS_NAMES.get(status, status)


def allowed_after(status: int) -> list[str]:
    return [STATUS_NAMES[code] for code in sorted(TRANSITIONS[status])]


def check_transition(current: int, target: int | str) -> None:
    """Raise TransitionRefused unless a dossier in `current` can take an event of `target`."""
    if target == EVENT_APOLOGY:
        refused = current in NO_APOLOGY_AFTER
        wording = f"cannot issue an apology when the dossier is {name_of(current)}"
    else:
        refused = target not in TRANSITIONS[current]
        wording = f"cannot go from {name_of(current)} to {name_of(target)}"
    if refused:
        allowed = allowed_after(current)
        raise TransitionRefused(f"{wording}; allowed: {', '.join(allowed) or 'none, it is final'}", allowed)


def check_fields(target: int | str, data: dict) -> None:
    """Each kind of event carries what the citizen's message needs, and nothing meant for another kind."""
    for field in REQUIRED_FIELDS.get(target, ()):
        if not data.get(field):
            raise FieldError(field, f"required when the status is {name_of(target)}")
    for field, only_for in RESTRICTED_FIELDS.items():
        if data.get(field) is not None and target != only_for:
            raise FieldError(field, f"only for {name_of(only_for)} events")


def apply_status(dossier, target: int, at: datetime) -> None:
    """Move `dossier` to `target` at `at`, keeping the clock: a supplement request pauses it, leaving the
    supplement status resumes it (the citizen's time does not count against the appointment)."""
    if target == SUPPLEMENT_REQUIRED:
        clock.pause(dossier, at)
    elif dossier.status == SUPPLEMENT_REQUIRED:
        clock.resume(dossier, at)
    if target == RESULT_READY:
        dossier.completed_at = at
    if target == RETURNED:
        dossier.returned_at = at
    dossier.status = target
