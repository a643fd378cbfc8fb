"""A citizen's data in the tenant in context: found by every Zalo user id and phone that belong to them,
exported as JSON (the right to obtain one's data), and erased or anonymised (the right to deletion) while the
records the law requires are kept.

What erasure does, and why (docs/domain.md §6: split contact and chat data from statutory records):
- follower record: display name, phone, shared info and commune blanked, tags removed, `anonymised_at` set;
- chat events (raw webhook bodies): replaced by a stub naming only the event;
- deliveries: recipient Zalo id and phone blanked; any still waiting are failed first (never sent);
- the words of the messages sent to them that came from the chat (the bot's replies, composed messages such as
  feedback acknowledgements): blanked. A dossier notice's values are a copy of the dossier record (kept) and a
  broadcast's are the same for every follower, so those stay;
- feedback: the submitter's name, phone, address and Zalo id blanked; the petition itself stays (Decree
  20/2008 records) and so do ratings (scores without contact);
- rating invitations: contact blanked;
- dossiers: the rows, their events and the applicant's name stay (administrative records kept under the
  Archives Law); the applicant's phone and Zalo id on them are notification contact only, so they are blanked
  and no further notice about those dossiers can reach the citizen;
- kept: consent rows and data-subject requests, with the OA-scoped Zalo id and phone they name. They are the
  evidence the law asks for, and what keeps a stop in force if the same citizen is met again.
"""

import contextlib
import json
import uuid
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select, update

from platform_core.audit.service import record_event
from platform_core.citizens.consent import Citizen
from platform_core.citizens.models import Consent, FollowerTag
from platform_core.citizens.screen import ERASED
from platform_core.db.types import utcnow
from platform_core.delivery.composed import is_composed
from platform_core.delivery.constants import PENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.outbox import BOT_REPLY
from platform_core.delivery.states import fail
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.extensions import db
from platform_core.feedback.models import Feedback
from platform_core.zalo.models import DataSubjectRequest, Follower, ZaloEvent

ERASED_KEY = "erased"  # on a blanked notification context, as on an erased webhook body
SKIPPED_COLUMNS = {"tenant_id", "data", "lookup_secret", "request_checksum", "claim_token"}

# What features above this one hold about a citizen (ratings/records.py), registered in platform_core/wiring.py:
# name -> export(who, dossier_ids) -> rows, and name -> erase(who) -> how many rows were changed.
_exports: dict[str, Callable[..., list[dict]]] = {}
_erasures: dict[str, Callable[..., int]] = {}


def register_records(name: str, export: Callable[..., list[dict]], erase: Callable[..., int] | None = None) -> None:
    """Add a feature's records of a citizen to the export (and, with `erase`, to the erasure), under `name`."""
    _exports[name] = export
    if erase is not None:
        _erasures[name] = erase


def erased_body(event_name: str) -> str:
    """What is left of a raw webhook body once erased or past its retention."""
    return json.dumps({"event_name": event_name, ERASED_KEY: True})


# --- what is held -------------------------------------------------------------------------------------------

def summary(who: Citizen) -> dict[str, int]:
    """How many records of each kind this tenant holds about the citizen (the citizen page's overview)."""
    def count(model, *columns) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(who.matches(*columns))) or 0

    return {
        "followers": count(Follower, Follower.zalo_user_id, Follower.phone_e164),
        "consents": count(Consent, Consent.zalo_user_id, Consent.phone_e164),
        "data_requests": count(DataSubjectRequest, DataSubjectRequest.zalo_user_id, DataSubjectRequest.phone_e164),
        "dossiers": count(Dossier, Dossier.applicant_zalo_user_id, Dossier.applicant_phone),
        "deliveries": count(Delivery, Delivery.recipient_zalo_user_id, Delivery.recipient_phone),
        "feedback": count(Feedback, Feedback.zalo_user_id, Feedback.submitter_phone),
        "chat_events": count(ZaloEvent, ZaloEvent.zalo_user_id),
    }


def holds_anything(who: Citizen) -> bool:
    return bool(who) and any(summary(who).values())


# --- export ---------------------------------------------------------------------------------------------------

def export(who: Citizen, actor=None) -> dict:
    """Everything this tenant holds about the citizen, as plain JSON values."""
    dossiers = _all(select(Dossier).where(who.matches(Dossier.applicant_zalo_user_id, Dossier.applicant_phone)))
    dossier_ids = [dossier.id for dossier in dossiers]
    deliveries = _all(select(Delivery).where(who.matches(Delivery.recipient_zalo_user_id, Delivery.recipient_phone)))
    notifications = _all(select(Notification).where(Notification.id.in_({d.notification_id for d in deliveries})))
    data = {
        "exported_at": _value(utcnow()),
        "identifiers": {"zalo_user_ids": sorted(who.user_ids), "phones": sorted(who.phones)},
        "follower": rows(select(Follower).where(who.matches(Follower.zalo_user_id, Follower.phone_e164))),
        "consents": rows(select(Consent).where(who.matches(Consent.zalo_user_id, Consent.phone_e164))),
        "data_requests": rows(select(DataSubjectRequest).where(
            who.matches(DataSubjectRequest.zalo_user_id, DataSubjectRequest.phone_e164))),
        "dossiers": [_row(dossier) for dossier in dossiers],
        "dossier_events": rows(select(DossierEvent).where(DossierEvent.dossier_id.in_(dossier_ids))),
        "notifications": [_row(notification) for notification in notifications],
        "deliveries": [_row(delivery) for delivery in deliveries],
        "feedback": rows(select(Feedback).where(who.matches(Feedback.zalo_user_id, Feedback.submitter_phone))),
        **{name: export_rows(who, dossier_ids) for name, export_rows in _exports.items()},
        "chat_events": [_event(event) for event in _events(who)],
    }
    record_event("citizen_data_exported", actor=actor, details=_counts(data))
    return data


def _events(who: Citizen) -> list[ZaloEvent]:
    if not who.user_ids:
        return []
    return _all(select(ZaloEvent).where(ZaloEvent.zalo_user_id.in_(who.user_ids)).order_by(ZaloEvent.received_at))


def _event(event: ZaloEvent) -> dict:
    row = _row(event)
    with contextlib.suppress(ValueError):  # an unparsable body is exported as the text it is
        row["raw_body"] = json.loads(event.raw_body)
    return row


def _all(statement) -> list:
    return list(db.session.scalars(statement))


def rows(statement) -> list[dict]:
    return [_row(item) for item in db.session.scalars(statement)]


def _row(item) -> dict:
    return {column.key: _value(getattr(item, column.key)) for column in item.__table__.columns
            if column.key not in SKIPPED_COLUMNS}


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _counts(data: dict) -> dict:
    return {key: len(value) for key, value in data.items() if isinstance(value, list)}


# --- erasure --------------------------------------------------------------------------------------------------

def erase(who: Citizen, actor=None) -> dict:
    """Erase or anonymise the citizen's contact and chat data (see the module's docstring); returns the counts,
    also written to the audit log."""
    now = utcnow()
    counts = {
        "followers": _anonymise_followers(who, now),
        "tags": _delete_tags(who),
        "chat_events": _erase_events(who),
        "deliveries": _erase_deliveries(who),
        "feedback": execute(update(Feedback).where(who.matches(Feedback.zalo_user_id, Feedback.submitter_phone))
                             .values(submitter_name=None, submitter_phone=None, submitter_address=None,
                                     zalo_user_id=None)),
        **{name: erase_rows(who) for name, erase_rows in _erasures.items()},
        "dossiers": execute(update(Dossier).where(who.matches(Dossier.applicant_zalo_user_id,
                                                                Dossier.applicant_phone))
                             .values(applicant_zalo_user_id=None, applicant_phone=None)),
    }
    db.session.flush()
    record_event("citizen_data_erased", actor=actor, details=counts)
    return counts


def anonymise_follower(follower: Follower, now: datetime) -> None:
    follower.display_name = follower.phone_e164 = follower.commune = follower.user_id_by_app = None
    follower.shared_info = {}
    follower.anonymised_at = now


def _anonymise_followers(who: Citizen, now: datetime) -> int:
    followers = _all(select(Follower).where(who.matches(Follower.zalo_user_id, Follower.phone_e164)))
    for follower in followers:
        anonymise_follower(follower, now)
    return len(followers)


def _delete_tags(who: Citizen) -> int:
    if not who.user_ids:
        return 0
    tags = _all(select(FollowerTag).where(FollowerTag.zalo_user_id.in_(who.user_ids)))
    for tag in tags:
        db.session.delete(tag)
    return len(tags)


def _erase_events(who: Citizen) -> int:
    events = _events(who)
    for event in events:
        event.raw_body = erased_body(event.event_name)
    return len(events)


def _erase_deliveries(who: Citizen) -> int:
    deliveries = _all(select(Delivery).where(who.matches(Delivery.recipient_zalo_user_id, Delivery.recipient_phone)))
    for delivery in deliveries:
        if delivery.state == PENDING:
            fail(delivery, None, ERASED)
        delivery.recipient_zalo_user_id = delivery.recipient_phone = None
    erase_chat_words({delivery.notification_id for delivery in deliveries})
    return len(deliveries)


def erase_chat_words(notification_ids: set) -> int:
    """Blank the words of the bot's replies and of composed messages (not broadcasts) among these
    notifications, keeping the context's shape (composed messages still parse) and marking it erased.
    Returns how many were blanked."""
    if not notification_ids:
        return 0
    count = 0
    for notification in _all(select(Notification).where(Notification.id.in_(notification_ids))):
        context = notification.context or {}
        if notification.event_kind == BOT_REPLY or (is_composed(context) and not context.get("promotion")):
            notification.context = {**{key: _blank(value) for key, value in context.items()}, ERASED_KEY: True}
            count += 1
    return count


def _blank(value):
    """Strings emptied, lists emptied, mappings (a ZNS alternative's parameters) blanked inside."""
    if isinstance(value, str):
        return ""
    if isinstance(value, dict):
        return {key: _blank(inner) for key, inner in value.items()}
    return [] if isinstance(value, list | tuple) else value


def execute(statement) -> int:
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount
