"""The trial guest list: citizens a province not yet live may message besides its own team (delivery/trial.py).

An entry names a person by their Zalo user id (as the province's OA knows them), their mobile number, or
both; the number is stored in E.164 (`+84…`), the form deliveries carry. Changes are audited with the
number masked.
"""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from platform_core.audit.service import record_event
from platform_core.db.lookup import one_by_id
from platform_core.delivery.models import GuestListEntry
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.zalo.phone import PhoneError, mask, to_e164

ZALO_USER_ID = re.compile(r"^\d{1,40}$")
MAX_LABEL = 120


class GuestListError(FieldError):
    """An entry refused; `field` is `label`, `zalo_user_id` or `phone`, and the message is shown in the form."""


def entries() -> list[GuestListEntry]:
    """The tenant in context's guest list, newest first."""
    return list(db.session.scalars(select(GuestListEntry).order_by(GuestListEntry.created_at.desc())))


def add(label: str, zalo_user_id: str | None = None, phone: str | None = None, actor=None) -> GuestListEntry:
    label, zalo_user_id, phone = (label or "").strip(), (zalo_user_id or "").strip(), (phone or "").strip()
    if not label or len(label) > MAX_LABEL:
        raise GuestListError("label", _l("Enter a name (at most 120 characters)."))
    if not zalo_user_id and not phone:
        raise GuestListError("zalo_user_id", _l("Enter a Zalo user id or a mobile number."))
    if zalo_user_id and not ZALO_USER_ID.match(zalo_user_id):
        raise GuestListError("zalo_user_id", _l("A Zalo user id has digits only."))
    phone_e164 = _phone(phone) if phone else None
    if _listed(zalo_user_id or None, phone_e164):
        raise GuestListError("zalo_user_id" if zalo_user_id else "phone", _l("Already on the guest list."))
    entry = GuestListEntry(label=label, zalo_user_id=zalo_user_id or None, phone_e164=phone_e164,
                           added_by_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    record_event("guest_list_added", actor=actor, target=entry, details=_audit_details(entry))
    db.session.flush()  # while this tenant is in context, whenever the caller commits
    return entry


def remove(entry_id, actor=None) -> GuestListEntry | None:
    """Remove one entry of the tenant in context; None when there is no such entry (another tenant's id too)."""
    entry = one_by_id(GuestListEntry, entry_id)
    if entry is None:
        return None
    record_event("guest_list_removed", actor=actor, target=entry, details=_audit_details(entry))
    db.session.delete(entry)
    db.session.flush()
    return entry


def _phone(raw: str) -> str:
    try:
        return to_e164(raw)
    except PhoneError:
        raise GuestListError("phone", _l("Enter a Vietnamese mobile number, like 0912 345 678.")) from None


def _listed(zalo_user_id: str | None, phone_e164: str | None) -> bool:
    conditions = [column == value for column, value in ((GuestListEntry.zalo_user_id, zalo_user_id),
                                                        (GuestListEntry.phone_e164, phone_e164)) if value]
    return db.session.scalar(select(GuestListEntry.id).where(or_(*conditions)).limit(1)) is not None


def _audit_details(entry: GuestListEntry) -> dict:
    return {"label": entry.label, "zalo_user_id": entry.zalo_user_id,
            "phone": mask(entry.phone_e164) if entry.phone_e164 else None}

