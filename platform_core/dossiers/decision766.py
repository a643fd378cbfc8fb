"""On time or late, as Decision 766's indicators count a reporting period (indicator 2.1, "Tỷ lệ hồ sơ xử lý trước
hạn, đúng hạn", which indicator 5.4's late rate reuses; docs/domain.md §3, "Decision 766 indicators").

- The period counts the dossiers received or processed in it: received before its end and not ended before its
  start. Only dossiers the desk accepted (tiếp nhận) count; a refusal counts as well, as the end state it is.
- Processing ends at the first end state: refusal (3), stop (8, a withdrawal included when the dossier had been
  accepted), result ready (9) or handed over (10) — the result's signing when both 9 and 10 happened. A dossier
  unfinished at the period's end is judged as of that end.
- The time spent waiting for the citizen's documents is not counted; a dossier still waiting at the end is
  judged at the moment the documents were asked for. More than one supplement request makes it late.
- Late: the end of processing, net of those waits, is after the appointment (the latest apology's new date).

Everything is read from the dossier's events, as of the period's end: the dossier row only holds its state now.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, not_, or_, select

from platform_core.catalogue.models import Procedure
from platform_core.dossiers.constants import (
    EVENT_APOLOGY,
    FINANCIAL_OBLIGATION,
    PROCESSING,
    RECEIVED,
    REFUSED,
    RESULT_READY,
    RETURNED,
    STOPPED,
    SUPPLEMENT_REQUIRED,
)
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.extensions import db

END_STATES = frozenset({REFUSED, STOPPED, RESULT_READY, RETURNED})
ACCEPTED = frozenset({RECEIVED, PROCESSING, FINANCIAL_OBLIGATION, RESULT_READY, RETURNED})


@dataclass(frozen=True)
class Handling:
    """One dossier as a period counts it: ended within the period or not, late or not."""

    finished: bool
    late: bool


@dataclass(frozen=True)
class DossierHistory:
    """What the rule reads of a dossier: its row (with its code and procedure's agency, for the reports that group
    or match by them) and its events in order."""

    id: object
    tenant_id: object
    code_key: str
    agency: str | None
    received_at: datetime
    due_at: datetime
    events: tuple


def handling(history: DossierHistory, start: datetime, end: datetime) -> Handling | None:
    """How the period [start, end) counts the dossier, or None when it does not count it."""
    if history.received_at >= end:
        return None
    walk = _walk(history, end)
    if walk.ended_at is not None and walk.ended_at < start:
        return None
    if not walk.accepted and walk.end_state != REFUSED:
        return None  # never accepted: still submitted, or withdrawn before the desk took it
    clock_end = walk.ended_at if walk.ended_at is not None else end
    waited = walk.waited + (clock_end - walk.waiting_since if walk.waiting_since is not None else timedelta(0))
    late = walk.supplement_requests > 1 or clock_end - waited > walk.appointment
    return Handling(finished=walk.ended_at is not None, late=late)


@dataclass
class _Walk:
    appointment: datetime
    accepted: bool = False
    supplement_requests: int = 0
    waited: timedelta = timedelta(0)
    waiting_since: datetime | None = None
    ended_at: datetime | None = None
    end_state: int | None = None


def _walk(history: DossierHistory, end: datetime) -> _Walk:
    """The dossier's events before `end`, up to its first end state."""
    walk = _Walk(appointment=history.due_at)
    for event in history.events:
        if event.occurred_at >= end:
            continue
        if event.kind == EVENT_APOLOGY:
            walk.appointment = event.new_due_at or walk.appointment
            continue
        status = event.to_status
        if walk.waiting_since is not None and status != SUPPLEMENT_REQUIRED:
            walk.waited += max(timedelta(0), event.occurred_at - walk.waiting_since)
            walk.waiting_since = None
        if status == SUPPLEMENT_REQUIRED:
            walk.supplement_requests += 1
            walk.waiting_since = walk.waiting_since or event.occurred_at
        walk.accepted = walk.accepted or status in ACCEPTED
        if status in END_STATES:
            walk.ended_at, walk.end_state = event.occurred_at, status
            break
    return walk


def histories(start: datetime, end: datetime) -> list[DossierHistory]:
    """The dossiers that may count in [start, end), with their events: two queries, whatever their number.

    Received before the end; left out when their row already shows they ended before the start (a result signed
    before it, or refused or stopped in a row last changed before it: the event came first)."""
    maybe = and_(Dossier.received_at < end,
                 or_(Dossier.completed_at.is_(None), Dossier.completed_at >= start),
                 not_(and_(Dossier.status.in_((REFUSED, STOPPED)), Dossier.updated_at < start)))
    rows = db.session.execute(
        select(Dossier.id, Dossier.tenant_id, Dossier.code_key, Procedure.agency, Dossier.received_at, Dossier.due_at)
        .join(Procedure, and_(Procedure.tenant_id == Dossier.tenant_id, Procedure.id == Dossier.procedure_id))
        .where(maybe)).all()
    events = _events_by_dossier(db.session.scalars(
        select(DossierEvent)
        .join(Dossier, and_(Dossier.tenant_id == DossierEvent.tenant_id, Dossier.id == DossierEvent.dossier_id))
        .where(maybe).order_by(DossierEvent.dossier_id, DossierEvent.seq)))
    return [DossierHistory(row.id, row.tenant_id, row.code_key, row.agency, row.received_at, row.due_at,
                           events.get(row.id, ()))
            for row in rows]


def _events_by_dossier(events: Iterable[DossierEvent]) -> dict:
    grouped = defaultdict(list)
    for event in events:
        grouped[event.dossier_id].append(event)
    return {dossier_id: tuple(items) for dossier_id, items in grouped.items()}
