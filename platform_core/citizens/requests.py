"""Data-subject requests (docs/domain.md §6) and their legal clock: recorded, answered, completed with an outcome.

A stop ("dừng" on Zalo, Zalo's `user_withdraw`, or the desk) takes effect at once for messaging: from the
moment the request is recorded, the delivery pipeline refuses everything to the citizen (citizens/screen.py)
except one confirmation, which is the answer the law asks for within 2 working days. A stop written on Zalo
is then complete; a `user_withdraw` may also mean "delete my data", so it stays open until an administrator
completes it (erasure, export or a reasoned refusal) within the days its kind allows (citizens/clock.py).
"""

import uuid
from datetime import datetime

from sqlalchemy import case, select

from platform_core.audit.service import record_event
from platform_core.citizens import consent
from platform_core.citizens.clock import deadlines
from platform_core.citizens.constants import (
    CONFIRMATION_KIND,
    REQUEST_DONE,
    REQUEST_OPEN,
    REQUEST_REFUSED,
    REQUEST_STOP,
    STOPS_PROCESSING,
)
from platform_core.db.lookup import one_by_id
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ComposedMessage
from platform_core.delivery.outbox import send_composed
from platform_core.delivery.trial import N_
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from platform_core.web.paging import Page, paginate
from platform_core.zalo.connection import get_connection
from platform_core.zalo.models import DataSubjectRequest
from platform_core.zalo.phone import mask

STOPPED_ON_ZALO = N_("Messages stopped at once; the citizen was told on Zalo.")
STOPPED_AT_DESK = N_("Messages stopped at once, as the citizen asked at the desk.")


def open_request(kind: str, *, method: str, zalo_user_id: str | None = None, phone: str | None = None,
                 event_id: uuid.UUID | None = None, third_party: bool = False, actor=None) -> DataSubjectRequest:
    """Record a request received now, with its deadlines (respond in 2 working days, complete in the days its
    kind allows)."""
    received_at = utcnow()
    third_party = third_party and kind in STOPS_PROCESSING
    respond_by, complete_by = deadlines(received_at, kind, third_party)
    request = DataSubjectRequest(kind=kind, method=method, zalo_user_id=zalo_user_id or None,
                                 phone_e164=phone or None, event_id=event_id, status=REQUEST_OPEN,
                                 received_at=received_at, respond_by=respond_by, complete_by=complete_by,
                                 third_party=third_party)
    db.session.add(request)
    db.session.flush()
    consent.changed(zalo_user_id, phone)
    record_event("data_request_received", actor=actor, target=request, details=_details(request))
    return request


def stop(*, method: str, kind: str = REQUEST_STOP, zalo_user_id: str | None = None, phone: str | None = None,
         event_id: uuid.UUID | None = None, actor=None) -> DataSubjectRequest | None:
    """The citizen stops every purpose, effective now. A second "dừng" from a citizen already stopped (who has
    granted nothing since) records nothing and sends nothing (None); a Zalo data request is always recorded (it
    may ask for more than the stop), but confirmed only once."""
    already = consent.withdrawn(zalo_user_id, phone)
    if already and kind == REQUEST_STOP:
        return None
    request = open_request(kind, method=method, zalo_user_id=zalo_user_id, phone=phone, event_id=event_id,
                           actor=actor)
    consent.withdraw_all(method=method, zalo_user_id=zalo_user_id, phone=phone)
    if zalo_user_id and not already:
        confirm(request)
    if kind == REQUEST_STOP:
        complete(request, STOPPED_ON_ZALO if zalo_user_id else STOPPED_AT_DESK, actor=actor)
    return request


def confirm(request: DataSubjectRequest) -> None:
    """The one message a stopped citizen still gets: that the stop is in force, and how to resume."""
    message = ComposedMessage(text=stop_confirmation_text(), header="Đã dừng nhận tin", code_label="Mã yêu cầu",
                              code=request.id.hex[:8].upper())  # a transaction card needs its "Mã …" row
    send_composed(message,
                  event_kind=CONFIRMATION_KIND, idempotency_key=f"citizens:confirm:{request.id}",
                  zalo_user_id=request.zalo_user_id)


def stop_confirmation_text() -> str:
    """For the tenant in context, in Vietnamese (citizens' messages always are)."""
    connection = get_connection()
    name = (connection and connection.oa_name) or db.session.get(Tenant, require_tenant().id).name
    return (f"Theo yêu cầu của Ông/Bà, {name} đã dừng gửi tin nhắn qua Zalo cho Ông/Bà, kể cả thông báo hồ sơ. Hồ sơ "
            "của Ông/Bà vẫn được giải quyết bình thường. Muốn nhận lại thông báo hồ sơ, hãy nhắn “đồng ý nhận thông "
            "báo hồ sơ”.")


def involve_third_party(request: DataSubjectRequest, actor=None) -> DataSubjectRequest:
    """An open stop of processing that a processor or third party must carry out too: 20 days from receipt."""
    if request.status != REQUEST_OPEN or request.kind not in STOPS_PROCESSING or request.third_party:
        raise ValueError("only an open request to stop processing can be extended for a third party")
    request.third_party = True
    _, request.complete_by = deadlines(request.received_at, request.kind, third_party=True)
    db.session.flush()
    record_event("data_request_third_party", actor=actor, target=request,
                 details=_details(request) | {"complete_by": request.complete_by.isoformat()})
    return request


def complete(request: DataSubjectRequest, outcome: str, actor=None, refused: bool = False) -> DataSubjectRequest:
    request.status = REQUEST_REFUSED if refused else REQUEST_DONE
    request.outcome, request.completed_at = outcome, utcnow()
    request.handled_by_id = getattr(actor, "id", None)
    db.session.flush()
    record_event("data_request_completed", actor=actor, target=request,
                 details=_details(request) | {"status": request.status})
    return request


def get_request(request_id) -> DataSubjectRequest | None:
    """One request of the tenant in context (another tenant's id finds nothing)."""
    return one_by_id(DataSubjectRequest, request_id)


def requests_page(number: int) -> Page:
    """Open requests first (the nearest deadline first), then the rest newest first."""
    open_first = case((DataSubjectRequest.status == REQUEST_OPEN, 0), else_=1)
    return paginate(select(DataSubjectRequest).order_by(
        open_first, DataSubjectRequest.complete_by, DataSubjectRequest.received_at.desc()), number)


def for_citizen(who: consent.Citizen) -> list[DataSubjectRequest]:
    if not who:
        return []
    return list(db.session.scalars(select(DataSubjectRequest).where(
        who.matches(DataSubjectRequest.zalo_user_id, DataSubjectRequest.phone_e164),
    ).order_by(DataSubjectRequest.received_at.desc())))


def overdue(request: DataSubjectRequest, now: datetime | None = None) -> bool:
    """Open past its completion date (an answer is sent at once, so completion is the clock that can run out)."""
    now = now or utcnow()
    return request.status == REQUEST_OPEN and request.complete_by is not None and request.complete_by < now


def _details(request: DataSubjectRequest) -> dict:
    return {"kind": request.kind, "method": request.method, "zalo_user_id": request.zalo_user_id,
            "phone": mask(request.phone_e164) if request.phone_e164 else None}
