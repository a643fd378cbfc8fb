"""Telling the citizen: each recorded dossier event that tells them something becomes a notice in the outbox,
in the event's transaction (dossiers/service.py calls its listeners; platform_core/wiring.py registers this one
first, so the notice precedes what other features write for the same event)."""

from sqlalchemy import bindparam, select

from platform_core.db.tenant_context import require_tenant
from platform_core.delivery.constants import CLASS_TX
from platform_core.delivery.models import Notification
from platform_core.delivery.outbox import write
from platform_core.extensions import db
from platform_core.notices.context import dossier_context
from platform_core.notices.kinds import event_kind_for
from platform_core.tenancy.models import Tenant
from platform_core.zalo.connection import name_while_connected
from platform_core.zalo.models import ZaloConnection


def notify_dossier_event(dossier, event, procedure, simulated: bool = False) -> Notification | None:
    """The notification and its delivery for `event`, or None when the event tells the citizen nothing.

    The channel is chosen when the message is sent (the citizen may write to the OA in between)."""
    kind = event_kind_for(event)
    if kind is None or not (dossier.applicant_zalo_user_id or dossier.applicant_phone):
        return None
    tenant, oa_name = _tenant_and_oa_name()
    context = dossier_context(dossier, event, procedure, tenant, oa_name)
    return write(kind, context, idempotency_key=f"dossier-event:{event.id}", message_class=CLASS_TX,
                 zalo_user_id=dossier.applicant_zalo_user_id, phone=dossier.applicant_phone, dossier_id=dossier.id,
                 simulated=simulated)


_TENANT_AND_OA = select(Tenant, ZaloConnection.oa_name, ZaloConnection.status).outerjoin(
    ZaloConnection, ZaloConnection.tenant_id == Tenant.id).where(Tenant.id == bindparam("tenant_id"))  # built once


def _tenant_and_oa_name() -> tuple[Tenant, str | None]:
    """The tenant in context and its OA's name while connected (zalo/connection.py's `connected_oa_name`), in one
    read: an API request enters its tenant from the key's cache without loading the row, which the notice (its
    names) and the trial screen (its status) need; and the connection's row is not loaded, which would decrypt
    its secrets."""
    tenant, oa_name, status = db.session.execute(_TENANT_AND_OA, {"tenant_id": require_tenant().id}).one()
    return tenant, name_while_connected(oa_name, status)
