"""Registrations on Zalo, in the tenant in context: which procedures take them and what their forms ask, the
citizen's submitted form, and what the province's one-stop software does with it (acknowledge, link to the
dossier it created: from then on the dossier's notices go to the citizen's Zalo account)."""

import uuid
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from platform_core.audit.service import record_event
from platform_core.catalogue.models import Procedure
from platform_core.db.types import utcnow
from platform_core.delivery.outbox import send_composed
from platform_core.dossiers import service as dossiers
from platform_core.extensions import db
from platform_core.registrations import appointments, jobs, links, messages
from platform_core.registrations.constants import (
    DEFAULT_APPOINTMENT,
    DEFAULT_FIELDS,
    EVENT_KIND,
    FIELD_ADDRESS,
    FIELD_NAME,
    FIELD_PHONE,
    FIELDS,
    STATUS_ACKNOWLEDGED,
    STATUS_LINKED,
    STATUS_NEW,
)
from platform_core.registrations.models import AppointmentSlot, Registration, RegistrationProcedure
from platform_core.settings.service import province_settings
from platform_core.tenancy.service import read_signed
from platform_core.zalo.models import Follower


class LinkRefused(Exception):
    """The form's link is not ours, expired, already used, or its procedure no longer takes registrations."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


INVALID, EXPIRED, USED, CLOSED = "invalid", "expired", "used", "closed"


class LinkConflict(Exception):
    """The registration is already linked to another dossier."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the province's choices ---------------------------------------------------------------------------------


def settings() -> dict[str, list[str]]:
    """Procedure code -> the fields its form asks, for every procedure open to registration."""
    return {row.procedure_code: row.fields for row in db.session.scalars(select(RegistrationProcedure))}


def save_settings(wanted: dict[str, list[str]], actor=None, appointment: dict[str, str] | None = None) -> None:
    """Open exactly the procedures of `wanted` to registration, each with its fields (in FIELDS' order) and
    whether its form asks for an appointment (`appointment`, by code: a procedure it does not name keeps its
    choice, or takes DEFAULT_APPOINTMENT when it is opened); audited with what changed."""
    current = {row.procedure_code: row for row in db.session.scalars(select(RegistrationProcedure))}
    changed = {}
    for code, row in current.items():
        if code not in wanted:
            db.session.delete(row)
            changed[code] = None
    for code, fields in wanted.items():
        ordered = [name for name in FIELDS if name in fields] or list(DEFAULT_FIELDS)
        row = current.get(code) or RegistrationProcedure(procedure_code=code, fields=[],
                                                         appointment=DEFAULT_APPOINTMENT)
        mode = (appointment or {}).get(code, row.appointment)
        if (row.fields, row.appointment) != (ordered, mode):
            row.fields, row.appointment = ordered, mode
            changed[code] = {"fields": ordered, "appointment": mode}
        db.session.add(row)
    db.session.flush()
    if changed:
        record_event("registration_settings_changed", actor=actor, details={"procedures": changed})


def appointment_mode(procedure_code: str) -> str:
    found = db.session.scalar(select(RegistrationProcedure.appointment)
                              .where(RegistrationProcedure.procedure_code == procedure_code))
    return found or DEFAULT_APPOINTMENT


def appointment_modes() -> dict[str, str]:
    """Procedure code -> whether its form asks for an appointment (constants.APPOINTMENT_MODES)."""
    return {row.procedure_code: row.appointment for row in db.session.scalars(select(RegistrationProcedure))}


def offered() -> list[tuple[Procedure, list[str]]]:
    """The enabled procedures open to registration, by name, with their forms' fields."""
    fields = settings()
    procedures = db.session.scalars(select(Procedure).where(Procedure.enabled.is_(True),
                                                            Procedure.code.in_(list(fields)))).all()
    return sorted(((procedure, fields[procedure.code]) for procedure in procedures), key=lambda pair: pair[0].name)


def offered_procedure(code: str) -> tuple[Procedure, list[str]] | None:
    return next(((procedure, fields) for procedure, fields in offered() if procedure.code == code), None)


# --- the citizen's form -------------------------------------------------------------------------------------


def form_url(tenant, procedure_code: str, zalo_user_id: str) -> str:
    """The form's absolute address (the bot writes it in a job: no request to build it from)."""
    token = links.make_token(tenant.id, procedure_code, zalo_user_id)
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/{tenant.slug}/dang-ky/{token}"


def open_link(tenant_id: uuid.UUID, token: str) -> tuple[links.FormLink, Procedure, list[str]]:
    """The link's citizen and procedure with its fields; LinkRefused when it cannot be used. A link a province
    merged into this one sent before the merge opens here (its old address redirects: tenancy/resolution.py),
    for a procedure this province takes registrations for."""
    try:
        link = read_signed(tenant_id, lambda signer: links.read_token(signer, token), links.BadToken)
    except links.ExpiredToken:
        raise LinkRefused(EXPIRED) from None
    except links.BadToken:
        raise LinkRefused(INVALID) from None
    if db.session.scalar(select(Registration.id).where(Registration.token_digest == links.digest(token))):
        raise LinkRefused(USED)
    found = offered_procedure(link.procedure_code)
    if found is None:
        raise LinkRefused(CLOSED)
    return link, *found


def prefill(zalo_user_id: str) -> dict[str, str]:
    """What the citizen already shared with the OA: the name and address of their shared info (else their Zalo
    name) and the phone they linked (zalo/events.py)."""
    follower = db.session.scalar(select(Follower).where(Follower.zalo_user_id == zalo_user_id))
    if follower is None:
        return {}
    shared = follower.shared_info or {}
    values = {FIELD_NAME: shared.get("name") or follower.display_name, FIELD_ADDRESS: shared.get("address"),
              FIELD_PHONE: national_phone(follower.phone_e164)}
    return {name: value for name, value in values.items() if value}


def national_phone(phone: str | None) -> str | None:
    """+84912345678 -> 0912345678, the way citizens write it."""
    return "0" + phone[3:] if phone and phone.startswith("+84") else phone


def submit(token: str, answers: dict[str, str], tenant_id: uuid.UUID,
           slot_id: uuid.UUID | None = None) -> Registration:
    """Store the form, with its appointment when one was chosen (appointments.SlotFull when its last place went
    meanwhile: the caller rolls back), queue it for the province's webhook, and tell the citizen on Zalo that
    it was received. The link is spent."""
    link, procedure, fields = open_link(tenant_id, token)
    registration = Registration(
        procedure_code=procedure.code, procedure_name=procedure.name, zalo_user_id=link.zalo_user_id,
        status=STATUS_NEW, token_digest=links.digest(token),
    )
    registration.answers = {name: answers[name] for name in fields if answers.get(name)}
    slot = appointments.book(registration, slot_id, utcnow()) if slot_id else None
    db.session.add(registration)
    db.session.flush()
    record_event("registration_submitted", details={"registration_id": str(registration.id),
                                                    "procedure_code": procedure.code, "appointment": bool(slot)})
    jobs.queue_delivery(registration)
    _tell(registration, "received", messages.received(registration, slot, centre_address()))
    return registration


def centre_address() -> str | None:
    """Where appointments take place: the address in the province's profile (setup step 1)."""
    return province_settings().address


def cancel_appointment(registration: Registration, actor=None, by_citizen: bool = False) -> AppointmentSlot | None:
    """Free the registration's place and tell the citizen; None when there was no appointment to cancel."""
    slot = appointments.cancel(registration, actor=actor, by_citizen=by_citizen)
    if slot is not None:
        _tell(registration, f"cancelled:{slot.id}", messages.appointment_cancelled(registration, slot))
    return slot


def upcoming_appointments(zalo_user_id: str, now: datetime) -> list[Registration]:
    """The citizen's registrations (by their Zalo user id, in this province) with an appointment still to come,
    the soonest first: the ones they may cancel on Zalo."""
    booked = db.session.scalars(select(Registration).where(Registration.zalo_user_id == zalo_user_id,
                                                           Registration.slot_id.is_not(None)))
    coming = [registration for registration in booked
              if registration.slot is not None and appointments.starts(registration.slot) > now]
    return sorted(coming, key=lambda registration: appointments.starts(registration.slot))


def _tell(registration: Registration, step: str, message) -> None:
    if registration.zalo_user_id:
        send_composed(message, event_kind=EVENT_KIND, zalo_user_id=registration.zalo_user_id,
                      idempotency_key=f"registration:{registration.id}:{step}")


# --- the province's software --------------------------------------------------------------------------------


def registrations(status: str | None = None, limit: int = 100, newest_first: bool = False) -> list[Registration]:
    """Oldest first by default, so that a fetch loop takes them in the order citizens sent them."""
    order = (Registration.created_at.desc(), Registration.id.desc()) if newest_first \
        else (Registration.created_at, Registration.id)
    query = select(Registration).order_by(*order).limit(limit)
    if status:
        query = query.where(Registration.status == status)
    return list(db.session.scalars(query))


def get(registration_id: str) -> Registration | None:
    try:
        wanted = uuid.UUID(registration_id)
    except ValueError:
        return None
    return db.session.scalar(select(Registration).where(Registration.id == wanted))


def acknowledge(registration: Registration) -> Registration:
    """The software has taken it (idempotent; a linked registration stays linked)."""
    if registration.status == STATUS_NEW:
        registration.status, registration.acknowledged_at = STATUS_ACKNOWLEDGED, utcnow()
        record_event("registration_acknowledged", details={"registration_id": str(registration.id)})
    return registration


def link(registration: Registration, dossier_code: str) -> Registration:
    """Tie the registration to the dossier the software created from it: the dossier's notices go to the
    citizen's Zalo account from now on, and the citizen is told its code. Linking again to the same dossier
    changes nothing; to another is refused (LinkConflict)."""
    if registration.status == STATUS_LINKED:
        if registration.dossier_code != dossier_code:
            raise LinkConflict(f"already linked to dossier {registration.dossier_code}")
        return registration
    dossier = dossiers.get_dossier(dossier_code)  # NotFound: 404
    if registration.zalo_user_id:
        dossier.applicant_zalo_user_id = registration.zalo_user_id
    now = utcnow()
    registration.acknowledged_at = registration.acknowledged_at or now
    registration.status, registration.linked_at, registration.dossier_code = STATUS_LINKED, now, dossier.code
    record_event("registration_linked", details={"registration_id": str(registration.id),
                                                 "dossier_code": dossier.code})
    _tell(registration, "linked", messages.linked(registration))
    return registration


# --- personal data ------------------------------------------------------------------------------------------


def purge_answers(cutoff: datetime, now: datetime) -> int:
    """Blank the answers of registrations made before `cutoff` (the dossier, once created, holds what the law
    keeps); the rows stay for the counts."""
    return blank_answers(Registration.created_at < cutoff, now)


def blank_answers(condition, now: datetime) -> int:
    result = db.session.execute(
        update(Registration).where(condition, Registration.answers_encrypted.is_not(None))
        .values(answers_encrypted=None, answers_removed_at=now).execution_options(synchronize_session=False))
    return result.rowcount or 0
