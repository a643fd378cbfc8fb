"""Appointments at the province's one-stop centre, booked with a registration (issue 13, part 2): the console
makes slots (for one procedure or any, on the working days of a period, each of a length, with a capacity);
the form offers the free ones to come; booking and cancelling move the slot's `booked` count.

A place is taken by one guarded UPDATE (`booked = booked + 1 WHERE booked < capacity`), in the registration's
transaction: PostgreSQL locks the row and re-reads the condition after a concurrent booking commits, SQLite
runs one writer at a time, so the last place goes to exactly one citizen (tests/registrations/end_to_end)."""

import uuid
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from platform_core.audit.service import record_event
from platform_core.clock import VIETNAM, local_day
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.registrations.constants import MAX_SLOTS_MADE, MAX_SLOTS_OFFERED, SLOTS_AHEAD_DAYS
from platform_core.registrations.models import AppointmentSlot, Registration
from platform_core.workdays.calendar import calendar_for

WEEKDAYS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"),
            _l("Sunday"))


class SlotFull(Exception):
    """The chosen slot has no place left (taken meanwhile), is past, or is not offered for the procedure."""


class SlotsRefused(ValueError):
    """The console's request would make no slot, or too many; `field` names the form field to blame."""

    def __init__(self, field: str, message):
        super().__init__(field)
        self.field, self.message = field, message


# --- the province's slots -----------------------------------------------------------------------------------


def planned_starts(first: date, last: date, start: time, end: time, minutes: int, tenant_slug: str) -> list:
    """(day, start, end) of every slot from `first` to `last` on the province's working days, `minutes` long,
    from `start` until `end` (a last shorter piece is not a slot)."""
    if last < first:
        raise SlotsRefused("last_day", _l("The last day is before the first."))
    if (last - first).days > SLOTS_AHEAD_DAYS:
        raise SlotsRefused("last_day", _l("At most %(days)s days at once.", days=SLOTS_AHEAD_DAYS))
    if end <= start:
        raise SlotsRefused("ends_at", _l("The end is not after the start."))
    calendar, step, day, planned = calendar_for(tenant_slug), timedelta(minutes=minutes), first, []
    while day <= last:
        if calendar.is_working_day(day):
            moment = datetime.combine(day, start)
            while moment + step <= datetime.combine(day, end):
                planned.append((day, moment.time(), (moment + step).time()))
                moment += step
        day += timedelta(days=1)
    if not planned:
        raise SlotsRefused("first_day", _l("No working day in this period has room for a slot of that length."))
    if len(planned) > MAX_SLOTS_MADE:
        raise SlotsRefused("minutes", _l("That makes %(count)s slots; at most %(max)s at once.",
                                         count=len(planned), max=MAX_SLOTS_MADE))
    return planned


def make_slots(procedure_code: str | None, planned: list, capacity: int, actor=None) -> int:
    """Store the planned slots (skipping those that exist already for the same procedure, day and start)."""
    existing = {(slot.day, slot.starts_at) for slot in db.session.scalars(
        select(AppointmentSlot).where(_for_code(procedure_code), AppointmentSlot.day.between(
            planned[0][0], planned[-1][0])))}
    made = [AppointmentSlot(procedure_code=procedure_code, day=day, starts_at=start, ends_at=end,
                            capacity=capacity, booked=0)
            for day, start, end in planned if (day, start) not in existing]
    db.session.add_all(made)
    db.session.flush()
    if made:
        record_event("appointment_slots_made", actor=actor, details={
            "procedure_code": procedure_code, "count": len(made), "capacity": capacity,
            "first_day": made[0].day.isoformat(), "last_day": made[-1].day.isoformat()})
    return len(made)


def _for_code(procedure_code: str | None):
    if procedure_code is None:
        return AppointmentSlot.procedure_code.is_(None)
    return AppointmentSlot.procedure_code == procedure_code


def upcoming(now: datetime, limit: int = 200) -> list[AppointmentSlot]:
    """Slots from today on, in time order, for the console."""
    return list(db.session.scalars(
        select(AppointmentSlot).where(AppointmentSlot.day >= local_day(now))
        .order_by(AppointmentSlot.day, AppointmentSlot.starts_at, AppointmentSlot.procedure_code).limit(limit)))


def get_slot(slot_id: str) -> AppointmentSlot | None:
    try:
        wanted = uuid.UUID(slot_id)
    except ValueError:
        return None
    return db.session.scalar(select(AppointmentSlot).where(AppointmentSlot.id == wanted))


def delete_slot(slot: AppointmentSlot, actor=None) -> bool:
    """Remove a slot nobody booked; False (kept) when it has bookings: cancel them first."""
    if slot.booked:
        return False
    record_event("appointment_slot_deleted", actor=actor, details={
        "procedure_code": slot.procedure_code, "day": slot.day.isoformat(), "starts_at": slot.starts_at.isoformat()})
    db.session.delete(slot)
    db.session.flush()
    return True


# --- the citizen's choice -----------------------------------------------------------------------------------


def free_slots(procedure_code: str, now: datetime) -> list[AppointmentSlot]:
    """The slots still to come with a free place, for this procedure or any: the nearest MAX_SLOTS_OFFERED."""
    found = db.session.scalars(
        select(AppointmentSlot).where(_offered(procedure_code, now), AppointmentSlot.booked < AppointmentSlot.capacity)
        .order_by(AppointmentSlot.day, AppointmentSlot.starts_at).limit(MAX_SLOTS_OFFERED + 50))
    return [slot for slot in found if starts(slot) > now][:MAX_SLOTS_OFFERED]


def has_slots(procedure_code: str, now: datetime) -> bool:
    """Whether the province books appointments for this procedure at all (free or not): the form says so when
    every slot is full."""
    return db.session.scalar(select(AppointmentSlot.id).where(_offered(procedure_code, now)).limit(1)) is not None


def _offered(procedure_code: str, now: datetime):
    return (or_(AppointmentSlot.procedure_code == procedure_code, AppointmentSlot.procedure_code.is_(None))
            & (AppointmentSlot.day >= local_day(now)))


def starts(slot: AppointmentSlot) -> datetime:
    return datetime.combine(slot.day, slot.starts_at, tzinfo=VIETNAM)


def book(registration: Registration, slot_id: uuid.UUID, now: datetime) -> AppointmentSlot:
    """Take a place in the slot for the registration (in the caller's transaction); SlotFull when none is left,
    the slot is past or not offered for the registration's procedure."""
    slot = db.session.scalar(select(AppointmentSlot).where(AppointmentSlot.id == slot_id,
                                                           _offered(registration.procedure_code, now)))
    if slot is None or starts(slot) <= now:
        raise SlotFull
    taken = db.session.execute(
        update(AppointmentSlot).where(AppointmentSlot.id == slot_id, AppointmentSlot.booked < AppointmentSlot.capacity)
        .values(booked=AppointmentSlot.booked + 1).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        raise SlotFull
    db.session.refresh(slot)
    registration.slot_id = slot.id
    return slot


def cancel(registration: Registration, actor=None, by_citizen: bool = False) -> AppointmentSlot | None:
    """Free the registration's place (None when it had no appointment, or it was cancelled already). The audit
    event says whether the citizen cancelled it on Zalo or the province (console, API)."""
    slot = registration.slot
    if slot is None:
        return None
    db.session.execute(update(AppointmentSlot).where(AppointmentSlot.id == slot.id, AppointmentSlot.booked > 0)
                       .values(booked=AppointmentSlot.booked - 1).execution_options(synchronize_session=False))
    registration.slot_id, registration.appointment_cancelled_at = None, utcnow()
    db.session.expire(registration, ["slot"])  # viewonly: it does not follow slot_id by itself
    record_event("appointment_cancelled", actor=actor, details={
        "registration_id": str(registration.id), "day": slot.day.isoformat(), "starts_at": slot.starts_at.isoformat(),
        "by": "citizen" if by_citizen else "province"})
    db.session.flush()
    db.session.refresh(slot)
    return slot


def slot_uuid(value: str) -> uuid.UUID:
    """The form's choice as an id (the form only accepts the ids it offered)."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise SlotFull from None


def day_label(day: date) -> str:
    """"Monday 28/12/2026" in the language in force."""
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m/%Y}"


def label(slot: AppointmentSlot) -> str:
    """"Monday 28/12/2026, 08:00–09:00" in the language in force."""
    return f"{day_label(slot.day)}, {slot.starts_at:%H:%M}–{slot.ends_at:%H:%M}"
