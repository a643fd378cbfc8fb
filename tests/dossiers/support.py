"""Helpers shared by the dossier service tests and the dossier API tests."""

from datetime import datetime

from sqlalchemy import func, select

from platform_core.delivery.models import Delivery, Notification
from platform_core.dossiers import service
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.dossiers.schemas import EventInput
from platform_core.extensions import db
from tests import factories
from tests.conftest import as_tenant

CODE = "H15.50.05.13-260715-0001"
# The default dossier of tests/factories.py: received 15/07 08:30, due 24/07 17:00 (UTC+7).
RECEIVED_AT = "2026-07-15T08:30:00+07:00"
DUE_AT = "2026-07-24T17:00:00+07:00"


def at(text: str) -> datetime:
    """An aware datetime from ISO 8601 text, offset included."""
    return datetime.fromisoformat(text)


def row_counts(tenant) -> dict:
    """How many rows of each dossier and outbox table the tenant has: equal before and after a refused request."""
    with as_tenant(tenant):
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (Dossier, DossierEvent, Notification, Delivery)}


def bearer(tenant, kind: str = "live") -> dict:
    """Authorization headers with a new API key of `tenant`."""
    with as_tenant(tenant):
        _, plaintext = factories.create_api_key(f"{kind} key", kind)
    return {"Authorization": f"Bearer {plaintext}"}


def record(code: str, status, occurred_at: str, key: str | None = None, simulated: bool = False, **fields):
    """Record an event through the service, its data loaded by the API's schema."""
    data = EventInput().load({"status": status, "occurred_at": occurred_at} | fields)
    return service.record_event(code, data, idempotency_key=key, simulated=simulated)


def notifications(code: str = CODE) -> list[Notification]:
    statement = select(Notification).where(Notification.dossier_id == service.get_dossier(code).id)
    return list(db.session.scalars(statement.order_by(Notification.created_at, Notification.id)))
