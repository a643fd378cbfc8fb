"""Telling the citizen: each recorded dossier event that tells them something becomes a notice in the outbox,
in the event's transaction (dossiers/service.py calls its listeners; platform_core/wiring.py registers this one
first, so the notice precedes what other features write for the same event)."""

from platform_core.db.tenant_context import require_tenant
from platform_core.delivery.constants import CLASS_TX
from platform_core.delivery.models import Notification
from platform_core.delivery.outbox import write
from platform_core.extensions import db
from platform_core.notices.context import dossier_context
from platform_core.notices.kinds import event_kind_for
from platform_core.tenancy.models import Tenant
from platform_core.zalo.connection import connected_oa_name


def notify_dossier_event(dossier, event, procedure, simulated: bool = False) -> Notification | None:
    """The notification and its delivery for `event`, or None when the event tells the citizen nothing.

    The channel is chosen when the message is sent (the citizen may write to the OA in between)."""
    kind = event_kind_for(event)
    if kind is None or not (dossier.applicant_zalo_user_id or dossier.applicant_phone):
        return None
    tenant = db.session.get(Tenant, require_tenant().id)
    context = dossier_context(dossier, event, procedure, tenant, connected_oa_name())
    return write(kind, context, idempotency_key=f"dossier-event:{event.id}", message_class=CLASS_TX,
                 zalo_user_id=dossier.applicant_zalo_user_id, phone=dossier.applicant_phone, dossier_id=dossier.id,
                 simulated=simulated)
