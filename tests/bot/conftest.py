"""Dossiers for the bot's tests, inserted directly (the dossiers service is another feature's)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.dossiers.constants import RECEIVED
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.extensions import db
from tests.conftest import as_tenant
from tests.zalo.conftest import connected_a, connected_b  # noqa: F401 - fixtures

RECEIVED_AT = datetime(2025, 11, 28, 2, 30, tzinfo=UTC)  # 09:30 in Vietnam
DUE_AT = RECEIVED_AT + timedelta(days=9)


def dossier_row(code="000.00.24.H04-251128-0001", status=RECEIVED, procedure=None, events=(), **fields) -> Dossier:
    """An unsaved dossier with its events (seq in order); `events` are dicts of DossierEvent fields."""
    values = dict(applicant_name="Nguyễn Văn An", applicant_phone="+84912345678", channel=1,
                  received_at=RECEIVED_AT, due_at=DUE_AT, request_checksum="0" * 64) | fields
    dossier = Dossier(code=code, status=status, procedure_id=procedure.id if procedure else None,
                      procedure_code=procedure.code if procedure else "1.004222", **values)
    for seq, event in enumerate(events, start=1):
        defaults = dict(kind="status", occurred_at=RECEIVED_AT, request_checksum="0" * 64, missing_documents=[])
        dossier.events.append(DossierEvent(seq=seq, **(defaults | event)))
    return dossier


def add_dossier(tenant, procedure_code="1.004222", **fields) -> Dossier:
    """Insert a dossier (and its events) for `tenant`, on one of its seeded procedures."""
    with as_tenant(tenant):
        procedure = db.session.scalar(select(Procedure).where(Procedure.code == procedure_code))
        dossier = dossier_row(procedure=procedure, **fields)
        db.session.add(dossier)
        db.session.flush()
        return dossier

