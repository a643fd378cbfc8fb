"""The message a citizen gets when they follow the province's OA (zalo/events.py tells its `on_followed`
listeners, platform_core/wiring.py registers `send_welcome`)."""

from flask_babel import force_locale, gettext

from platform_core.db.tenant_context import require_tenant
from platform_core.delivery.outbox import send_reply
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from platform_core.zalo.connection import get_connection


def welcome_text() -> str:
    """For the tenant in context, in Vietnamese (citizens' messages always are)."""
    tenant = db.session.get(Tenant, require_tenant().id)
    connection = get_connection()
    with force_locale("vi"):
        return gettext(
            "Welcome to %(name)s on Zalo. Send us your dossier code to see where it stands; "
            "we will also message you here when it changes. Write \"tin chính sách\" to receive the province's "
            "policy news, \"phản ánh\" followed by your message to send feedback, or \"dừng\" to stop all "
            "messages.",
            name=(connection and connection.oa_name) or tenant.place_name,
        )


def send_welcome(event) -> None:
    """Through the outbox, in the follow event's transaction: metered, recorded, retried by the pipeline like
    any message."""
    send_reply(event.zalo_user_id, welcome_text(), idempotency_key=f"welcome:{event.event_key}",
               reason="welcome after following the OA")
