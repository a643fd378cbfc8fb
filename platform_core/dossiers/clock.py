"""The appointment clock: when a dossier is due, the time spent waiting for the citizen's supplement (which
does not count, Decision 766's on-time formula, docs/domain.md §1.2), and the derived `overdue` flag (§1.3)."""

from datetime import datetime, timedelta

from platform_core.db.types import utcnow
from platform_core.dossiers.constants import REFUSED, STOPPED

# Refused or stopped dossiers owe no result, so they cannot be late.
NEVER_LATE = frozenset({REFUSED, STOPPED})


def appointment(dossier) -> datetime:
    """The date the result is promised for: the apology's new date when there was one."""
    return dossier.revised_due_at or dossier.due_at


def pause(dossier, at: datetime) -> None:
    """Start waiting for the citizen. A second request while already waiting keeps the first start."""
    if dossier.supplement_started_at is None:
        dossier.supplement_started_at = at


def resume(dossier, at: datetime) -> None:
    """Stop waiting: the pause is banked in whole seconds."""
    if dossier.supplement_started_at is not None:
        waited = max(timedelta(0), at - dossier.supplement_started_at)
        dossier.supplement_paused_seconds = (dossier.supplement_paused_seconds or 0) + int(waited.total_seconds())
        dossier.supplement_started_at = None


def paused_seconds(dossier, until: datetime) -> int:
    """Seconds spent waiting for supplements up to `until`, the pause still running included."""
    banked = dossier.supplement_paused_seconds or 0
    if dossier.supplement_started_at is None:
        return banked
    return banked + max(0, int((until - dossier.supplement_started_at).total_seconds()))


def overdue(dossier, now: datetime | None = None) -> bool:
    """Late when the end of processing (completion, else now), minus the supplement pauses, is after the
    appointment."""
    if dossier.status in NEVER_LATE:
        return False
    end = dossier.completed_at or now or utcnow()
    return end - timedelta(seconds=paused_seconds(dossier, end)) > appointment(dossier)
