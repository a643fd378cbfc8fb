"""Dossier business rules: creating a dossier and recording what happens to it. Each recorded event is handed,
in its transaction, to the listeners platform_core/wiring.py registers (notices/service.py writes the citizen's
notice to the outbox, ratings/invitations.py invites a rating). Callers pass validated data
(dossiers/schemas.py) and commit; nothing here knows about requests. Scoping to the tenant is done by the session.

Both writes are idempotent: they return `(row, created)`, `created` False when the request repeats one
already stored (dossiers/idempotency.py).
"""

from collections.abc import Callable

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm.attributes import set_committed_value

from platform_core.catalogue.models import Procedure
from platform_core.db.first_writer import first_writer_wins
from platform_core.db.lookup import one_by_id
from platform_core.delivery.models import Notification
from platform_core.dossiers import clock, idempotency, state
from platform_core.dossiers.constants import EVENT_APOLOGY, RECEIVED, STATUS_NAMES
from platform_core.dossiers.errors import Conflict, DossierNotFound
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.zalo.phone import PhoneError, to_e164

_event_listeners: list[Callable[..., object]] = []

# The reads of an API request, built once with bound parameters: db/session.py then keeps their tenant-scoped
# copies instead of scoping a new statement at every request.
_PROCEDURE_BY_CODE = select(Procedure).where(Procedure.code == bindparam("code"))
_PROCEDURE_BY_ID = select(Procedure).where(Procedure.id == bindparam("procedure_id"))
_DOSSIER_BY_CODE = select(Dossier).where(Dossier.code == bindparam("code"))
_DOSSIER_BY_CODE_FOR_UPDATE = _DOSSIER_BY_CODE.with_for_update()
_EVENT_BY_KEY = select(DossierEvent).where(DossierEvent.idempotency_key == bindparam("key"))
_LAST_EVENT = (select(DossierEvent).where(DossierEvent.dossier_id == bindparam("dossier_id"))
               .order_by(DossierEvent.seq.desc()).limit(1))
_LAST_SEQ = select(func.max(DossierEvent.seq)).where(DossierEvent.dossier_id == bindparam("dossier_id"))


# --- reading ------------------------------------------------------------------------------------------------


def find_dossier(code: str, for_update: bool = False) -> Dossier | None:
    """`for_update` serialises events on one dossier (seq, state machine); SQLite serialises writes anyway."""
    return db.session.scalar(_DOSSIER_BY_CODE_FOR_UPDATE if for_update else _DOSSIER_BY_CODE, {"code": code})


def get_dossier(code: str, for_update: bool = False) -> Dossier:
    dossier = find_dossier(code, for_update)
    if dossier is None:
        raise DossierNotFound(code)
    return dossier


def get_notification(notification_id: str) -> Notification | None:
    """The tenant's notification with this id; None for a malformed id or another tenant's."""
    return one_by_id(Notification, notification_id)


def dossier_code_of(notification: Notification) -> str | None:
    """From the session when the dossier is there (the API answering for the dossier it just wrote), else
    read."""
    if notification.dossier_id is None:
        return None
    dossier = db.session.get(Dossier, (notification.tenant_id, notification.dossier_id))
    return dossier.code if dossier is not None else None


# --- creating -----------------------------------------------------------------------------------------------


def create_dossier(data: dict, simulated: bool = False) -> tuple[Dossier, bool]:
    """Register a dossier and its first event (`received`, or `submitted` when the body says so).

    A new code, the common case, is not looked up first: the unique constraint finds a repeat
    (`first_writer_wins`). A body that fails the checks is still answered as the repeat it may be, as if the
    dossier had been looked up before them."""
    values = _normalised(data)
    wanted = idempotency.creation(values)
    try:
        procedure = _enabled_procedure(values["procedure_code"])
        _check_creation(values)
    except FieldError:
        existing = find_dossier(values["code"])
        if existing is None:
            raise
        return _same_dossier(existing, wanted), False

    checksum = idempotency.checksum(wanted)
    return first_writer_wins(lambda: _insert_dossier(values, procedure, checksum, simulated),
                             lambda: find_dossier(values["code"]), lambda winner: _same_dossier(winner, wanted))


def _insert_dossier(values: dict, procedure: Procedure, checksum: str, simulated: bool) -> Dossier:
    """The dossier and its first event in one flush, its collections filled from what this request wrote (a new
    dossier has no other event or notification, and loading them would cost a query each)."""
    applicant = values["applicant"]
    first = DossierEvent(
        seq=1, kind=STATUS_NAMES[values["status"]], to_status=values["status"], occurred_at=values["received_at"],
        missing_documents=[], request_checksum=checksum,
    )
    dossier = Dossier(
        code=values["code"], external_id=values.get("external_id"), procedure_id=procedure.id,
        procedure_code=procedure.code, applicant_name=applicant["name"], applicant_phone=applicant["phone"],
        applicant_zalo_user_id=applicant["zalo_user_id"], channel=values.get("channel"), status=values["status"],
        received_at=values["received_at"], due_at=values["due_at"], supplement_paused_seconds=0,
        request_checksum=checksum, events=[first],
    )
    db.session.add(dossier)
    _notify(dossier, first, procedure, simulated)
    set_committed_value(dossier, "notifications", _written_notifications(dossier))
    return dossier


def _written_notifications(dossier: Dossier) -> list[Notification]:
    """The notifications of a dossier this transaction inserted: the ones in the session, since no other
    transaction can have written any for it yet."""
    written = [row for row in db.session.identity_map.values()
               if isinstance(row, Notification) and row.dossier_id == dossier.id]
    return sorted(written, key=lambda notification: (notification.created_at, notification.id))


def _normalised(data: dict) -> dict:
    applicant = dict(data["applicant"], zalo_user_id=data["applicant"].get("zalo_user_id"))
    try:
        applicant["phone"] = to_e164(applicant["phone"])
    except PhoneError as error:
        raise FieldError("applicant.phone", error.reason) from None
    return dict(data, applicant=applicant, status=data.get("status") or RECEIVED)


def _enabled_procedure(code: str) -> Procedure:
    procedure = db.session.scalar(_PROCEDURE_BY_CODE, {"code": code})
    if procedure is None:
        raise FieldError("procedure_code", f"no procedure {code} in this province's catalogue")
    if not procedure.enabled:
        raise FieldError("procedure_code", f"procedure {code} is disabled in this province's catalogue")
    return procedure


def _check_creation(values: dict) -> None:
    if values["status"] not in state.INITIAL_STATUSES:
        raise FieldError("status", "a dossier starts as submitted (1) or received (2); send later statuses as events")
    if values["due_at"] <= values["received_at"]:
        raise FieldError("due_at", "must be after received_at")


def _same_dossier(existing: Dossier, wanted: dict) -> Dossier:
    """`existing` when the request repeats the one that created it; otherwise a Conflict naming each field
    that differs."""
    if existing.request_checksum == idempotency.checksum(wanted):
        return existing
    differing = idempotency.differences(wanted, idempotency.stored_creation(existing)) or ["code"]
    message = f"differs from dossier {existing.code}, created earlier with this code"
    raise Conflict({name: [message] for name in differing})


# --- events -------------------------------------------------------------------------------------------------


def record_event(code: str, data: dict, idempotency_key: str | None = None,
                 simulated: bool = False) -> tuple[DossierEvent, bool]:
    """Record a status change (or an apology with a new appointment, which changes no status) and notify the
    citizen if the event tells them something. With an idempotency key, a repeat returns the first event."""
    dossier = get_dossier(code, for_update=True)
    wanted = idempotency.checksum(idempotency.event(code, data))
    previous = _event_by_key(idempotency_key)
    if previous is not None:
        return _same_event(previous, wanted), False
    state.check_transition(dossier.status, data["status"])
    state.check_fields(data["status"], data)
    _check_event_times(dossier, data)
    return first_writer_wins(lambda: _insert_event(dossier, data, idempotency_key, wanted, simulated),
                             lambda: _event_by_key(idempotency_key), lambda winner: _same_event(winner, wanted))


def _insert_event(dossier: Dossier, data: dict, idempotency_key: str | None, checksum: str,
                  simulated: bool) -> DossierEvent:
    """The event and its effect: an apology moves the appointment, a status change moves the status (and the
    clock)."""
    event = _event_for(dossier, data, idempotency_key, checksum)
    if data["status"] == EVENT_APOLOGY:
        dossier.revised_due_at = data["new_due_at"]
    else:
        state.apply_status(dossier, data["status"], data["occurred_at"])
    _add_event(dossier, event, _procedure_of(dossier), simulated)
    return event


def _event_by_key(key: str | None) -> DossierEvent | None:
    if key is None:
        return None
    return db.session.scalar(_EVENT_BY_KEY, {"key": key})


def _same_event(previous: DossierEvent, wanted: str) -> DossierEvent:
    if previous.request_checksum != wanted:
        raise Conflict({"Idempotency-Key": ["already used for a different event"]})
    return previous


def _check_event_times(dossier: Dossier, data: dict) -> None:
    last = db.session.scalar(_LAST_EVENT, {"dossier_id": dossier.id})
    if data["occurred_at"] < last.occurred_at:
        raise FieldError("occurred_at", f"is before the previous event ({last.occurred_at.isoformat()})")
    if data.get("new_due_at") is not None and data["new_due_at"] <= clock.appointment(dossier):
        raise FieldError("new_due_at", f"must be later than the current appointment "
                                       f"({clock.appointment(dossier).isoformat()})")


def _event_for(dossier: Dossier, data: dict, idempotency_key: str | None, checksum: str) -> DossierEvent:
    target = data["status"]
    apology = target == EVENT_APOLOGY
    return DossierEvent(
        dossier_id=dossier.id, seq=_next_seq(dossier), kind=state.name_of(target), from_status=dossier.status,
        to_status=None if apology else target, occurred_at=data["occurred_at"], note=data.get("note"),
        reason=data.get("reason"), missing_documents=list(data.get("missing_documents") or []),
        new_due_at=data.get("new_due_at"), idempotency_key=idempotency_key, request_checksum=checksum,
    )


def _next_seq(dossier: Dossier) -> int:
    last = db.session.scalar(_LAST_SEQ, {"dossier_id": dossier.id})
    return (last or 0) + 1


def _procedure_of(dossier: Dossier) -> Procedure:
    return db.session.scalar(_PROCEDURE_BY_ID, {"procedure_id": dossier.procedure_id})


# --- shared -------------------------------------------------------------------------------------------------


def on_event_recorded(listener: Callable[..., object]) -> None:
    """`listener(dossier, event, procedure, simulated=...)` runs in each recorded event's transaction, in the
    order of registration (platform_core/wiring.py: the citizen's notice first, then the rating invitation)."""
    _event_listeners.append(listener)


def _add_event(dossier: Dossier, event: DossierEvent, procedure: Procedure, simulated: bool) -> None:
    """Store the event and, in the same transaction, what the listeners do with it (`on_event_recorded`)."""
    dossier.events.append(event)
    _notify(dossier, event, procedure, simulated)
    db.session.expire(dossier, ["notifications"])  # read again when shown, with the notice just written


def _notify(dossier: Dossier, event: DossierEvent, procedure: Procedure, simulated: bool) -> None:
    """Flush the event (listeners key what they write on its id), then run the listeners and flush what they
    wrote."""
    db.session.flush()
    for listener in _event_listeners:
        listener(dossier, event, procedure, simulated=simulated)
    db.session.flush()
